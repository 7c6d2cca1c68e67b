import type { CheckResult } from '../checks/results';
import { webviewPageHtml, type WebviewHost } from '../webview/page';
import { checksSection } from './checksHtml';
import type { Delta, ReportDiff } from './diff';
import { escapeHtml } from './escape';
import type { QualityReport } from './report';

/**
 * The quality report as a page for a webview: no CDN, nothing fetched, the strict CSP of core/webview/page.ts
 * (media/quality-report.css and .js, the script by nonce). Colours are VS Code's theme variables (light, dark and
 * high contrast follow), bars are inline SVG (style attributes would need 'unsafe-inline').
 */
export interface ReportPageOptions extends WebviewHost {
  diff?: ReportDiff;
  /** Other runs with a report, for the "compare with" picker: [run id, label]. */
  others: [string, string][];
}

export { escapeHtml };

const n = (value: number) => value.toLocaleString('en-US');
const signed = (value: number) => (value > 0 ? `+${n(value)}` : value < 0 ? `−${n(-value)}` : '±0');
const share = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(2)} %` : '—');

function deltaCell(delta: Delta | undefined, moreIsBad: boolean): string {
  if (!delta) return '';
  const tone = delta.delta === 0 ? 'same' : delta.delta > 0 === moreIsBad ? 'worse' : 'better';
  return `<td class="num delta ${tone}" aria-label="change ${signed(delta.delta)}">${signed(delta.delta)}</td>`;
}

/** A column header; `num` right-aligns numbers. */
const col = (text: string, num = false) => `<th scope="col"${num ? ' class="num"' : ''}>${text}</th>`;
const num = (text: string) => `<td class="num">${text}</td>`;
const section = (id: string, title: string, inner: string) =>
  `<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>${inner}</section>`;

function totalsSection(report: QualityReport, diff?: ReportDiff): string {
  const rows: [string, number, boolean][] = [
    ['rows read', report.rows_read, false],
    ['rows kept', report.rows_kept, false],
    ['rows rejected', report.rows_rejected, true],
  ];
  const versus = diff ? col('vs previous', true) : '';
  const head = `<tr>${col('total')}${col('rows', true)}${col('share', true)}${versus}</tr>`;
  const body = rows.map(([name, value, bad]) => {
    const change = diff ? deltaCell(diff.totals.find((d) => d.name === name), bad) : '';
    const cells = num(n(value)) + num(share(value, report.rows_read)) + change;
    return `<tr tabindex="0"><th scope="row">${name}</th>${cells}</tr>`;
  });
  return section('totals', 'Totals', `<table>${head}${body.join('')}</table>`);
}

function monthsSection(report: QualityReport, diff?: ReportDiff): string {
  const months = diff ? diff.months.map((m) => m.month) : Object.keys(report.months).sort();
  const deltas = diff ? col('Δ read', true) + col('Δ rejected', true) : '';
  const head = `<tr>${col('month')}${col('read', true)}${col('kept', true)}${col('rejected', true)}${deltas}</tr>`;
  const body = months.map((month) => {
    const counts = report.months[month];
    const change = diff?.months.find((m) => m.month === month);
    const values = counts ? [counts.rows_read, counts.rows_kept, counts.rows_rejected].map(n) : ['—', '—', '—'];
    const changes = diff ? deltaCell(change?.read, false) + deltaCell(change?.rejected, true) : '';
    return `<tr tabindex="0"><th scope="row">${escapeHtml(month)}</th>${values.map(num).join('')}${changes}</tr>`;
  });
  return section('months', 'Per month', `<table>${head}${body.join('')}</table>`);
}

/** One rule's bar (and the other run's, thinner, when comparing), scaled to `max`. */
function bars(rule: string, value: number, max: number, previous?: number): string {
  const width = (v: number) => ((100 * v) / max).toFixed(2);
  const before =
    previous === undefined ? '' : `<rect class="bar previous" x="0" y="13" height="5" width="${width(previous)}%"/>`;
  const label = `${escapeHtml(rule)}: ${n(value)} rows`;
  return `<svg class="bars" role="img" aria-label="${label}" preserveAspectRatio="none">` +
    `<rect class="bar" x="0" y="2" height="10" width="${width(value)}%"/>${before}</svg>`;
}

/** Rejected rows per rule: one SVG bar each, scaled to the largest; the numbers beside it for screen readers. */
function rulesSection(report: QualityReport, diff?: ReportDiff): string {
  const rules = Object.entries(report.rejected_by_rule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...rules.map(([, v]) => v), ...(diff?.rules.map((d) => d.previous) ?? []));
  const body = rules.map(([rule, value]) => {
    const change = diff?.rules.find((d) => d.name === rule);
    const changed = change && change.delta !== 0 ? ' changed' : '';
    const cells = `<td class="chart">${bars(rule, value, max, change?.previous)}</td>` +
      `${num(n(value))}${num(share(value, report.rows_read))}${diff ? deltaCell(change, true) : ''}`;
    return `<tr tabindex="0" class="rule${changed}"><th scope="row"><code>${escapeHtml(rule)}</code></th>${cells}</tr>`;
  });
  const head = `<tr>${col('rule')}${col('rejected rows')}${col('rows', true)}${col('of read', true)}` +
    `${diff ? col('vs previous', true) : ''}</tr>`;
  const legend = diff
    ? '<p class="legend"><span class="key now"></span> this run <span class="key before"></span> ' +
      `${escapeHtml(diff.previous)}</p>`
    : '';
  return section('rules', 'Rejected rows per rule', `${legend}<table class="rules">${head}${body.join('')}</table>`);
}

function comparePicker(report: QualityReport, options: ReportPageOptions): string {
  const option = ([id, label]: [string, string]) => {
    const selected = options.diff?.previous === id ? ' selected' : '';
    return `<option value="${escapeHtml(id)}"${selected}>${escapeHtml(label)}</option>`;
  };
  const choices = options.others.filter(([id]) => id !== report.run_id).map(option).join('');
  if (!choices) return '<p class="muted">No other run has a quality report to compare with.</p>';
  return '<label for="compare">Compare with</label> ' +
    `<select id="compare"><option value="">(no comparison)</option>${choices}</select>`;
}

/** The whole page. Every value from the report is escaped. */
export function reportPage(report: QualityReport, options: ReportPageOptions): string {
  const meta = [
    `run <code>${escapeHtml(report.run_id)}</code> · ${escapeHtml(report.status)}`,
    `started ${escapeHtml(report.started_at)} · ended ${escapeHtml(report.ended_at)}`,
    report.app_id ? `Spark application <code>${escapeHtml(report.app_id)}</code>` : '',
    options.diff ? `compared with <code>${escapeHtml(options.diff.previous)}</code>` : '',
  ]
    .filter(Boolean)
    .map((line) => `<div>${line}</div>`)
    .join('');
  const body = `<main><h1>Quality report</h1><div class="meta">${meta}</div><p>${comparePicker(report, options)}</p>
${checksSection(report.checks as CheckResult[] | undefined, report.stopped_by, report.error)}
${totalsSection(report, options.diff)}${rulesSection(report, options.diff)}${monthsSection(report, options.diff)}
</main>`;
  const title = `Quality report ${report.run_id}`;
  return webviewPageHtml(options, { title, style: 'quality-report.css', script: 'quality-report.js', body });
}
