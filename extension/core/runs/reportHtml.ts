import type { Delta, ReportDiff } from './diff';
import type { QualityReport } from './report';

/**
 * The quality report as a self-contained page for a webview: no CDN, nothing fetched, a CSP that
 * allows only the nonce'd style and script. Colours are VS Code's theme variables (light, dark and
 * high contrast follow), bars are inline SVG (style attributes would need 'unsafe-inline').
 */
export interface ReportPageOptions {
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  diff?: ReportDiff;
  /** Other runs with a report, for the "compare with" picker: [run id, label]. */
  others: [string, string][];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: unknown) => String(text ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const n = (value: number) => value.toLocaleString('en-US');
const signed = (value: number) => (value > 0 ? `+${n(value)}` : value < 0 ? `−${n(-value)}` : '±0');
const share = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(2)} %` : '—');

function deltaCell(delta: Delta | undefined, moreIsBad: boolean): string {
  if (!delta) return '';
  const tone = delta.delta === 0 ? 'same' : (delta.delta > 0) === moreIsBad ? 'worse' : 'better';
  return `<td class="num delta ${tone}" aria-label="change ${signed(delta.delta)}">${signed(delta.delta)}</td>`;
}

function totalsSection(report: QualityReport, diff?: ReportDiff): string {
  const rows: [string, number, boolean][] = [
    ['rows read', report.rows_read, false],
    ['rows kept', report.rows_kept, false],
    ['rows rejected', report.rows_rejected, true],
  ];
  const head = `<tr><th scope="col">total</th><th scope="col" class="num">rows</th><th scope="col" class="num">share</th>${diff ? '<th scope="col" class="num">vs previous</th>' : ''}</tr>`;
  const body = rows
    .map(([name, value, bad]) => `<tr tabindex="0"><th scope="row">${name}</th><td class="num">${n(value)}</td>` +
      `<td class="num">${share(value, report.rows_read)}</td>${diff ? deltaCell(diff.totals.find((d) => d.name === name), bad) : ''}</tr>`)
    .join('');
  return `<section aria-labelledby="totals"><h2 id="totals">Totals</h2><table>${head}${body}</table></section>`;
}

function monthsSection(report: QualityReport, diff?: ReportDiff): string {
  const months = diff ? diff.months.map((m) => m.month) : Object.keys(report.months).sort();
  const head = '<tr><th scope="col">month</th><th scope="col" class="num">read</th><th scope="col" class="num">kept</th>' +
    `<th scope="col" class="num">rejected</th>${diff ? '<th scope="col" class="num">Δ read</th><th scope="col" class="num">Δ rejected</th>' : ''}</tr>`;
  const body = months.map((month) => {
    const counts = report.months[month];
    const change = diff?.months.find((m) => m.month === month);
    const cells = counts
      ? `<td class="num">${n(counts.rows_read)}</td><td class="num">${n(counts.rows_kept)}</td><td class="num">${n(counts.rows_rejected)}</td>`
      : '<td class="num">—</td><td class="num">—</td><td class="num">—</td>';
    return `<tr tabindex="0"><th scope="row">${escapeHtml(month)}</th>${cells}` +
      `${diff ? deltaCell(change?.read, false) + deltaCell(change?.rejected, true) : ''}</tr>`;
  });
  return `<section aria-labelledby="months"><h2 id="months">Per month</h2><table>${head}${body.join('')}</table></section>`;
}

/** Rejected rows per rule: one SVG bar each, scaled to the largest; the numbers beside it for screen readers. */
function rulesSection(report: QualityReport, diff?: ReportDiff): string {
  const rules = Object.entries(report.rejected_by_rule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...rules.map(([, v]) => v), ...(diff?.rules.map((d) => d.previous) ?? []));
  const body = rules.map(([rule, value]) => {
    const change = diff?.rules.find((d) => d.name === rule);
    const width = (v: number) => ((100 * v) / max).toFixed(2);
    const previousBar = change ? `<rect class="bar previous" x="0" y="13" height="5" width="${width(change.previous)}%"/>` : '';
    const changed = change && change.delta !== 0 ? ' changed' : '';
    return `<tr tabindex="0" class="rule${changed}"><th scope="row"><code>${escapeHtml(rule)}</code></th>` +
      `<td class="chart"><svg class="bars" role="img" aria-label="${escapeHtml(rule)}: ${n(value)} rows" preserveAspectRatio="none">` +
      `<rect class="bar" x="0" y="2" height="10" width="${width(value)}%"/>${previousBar}</svg></td>` +
      `<td class="num">${n(value)}</td><td class="num">${share(value, report.rows_read)}</td>${diff ? deltaCell(change, true) : ''}</tr>`;
  });
  const head = '<tr><th scope="col">rule</th><th scope="col">rejected rows</th><th scope="col" class="num">rows</th>' +
    `<th scope="col" class="num">of read</th>${diff ? '<th scope="col" class="num">vs previous</th>' : ''}</tr>`;
  const legend = diff ? `<p class="legend"><span class="key now"></span> this run <span class="key before"></span> ${escapeHtml(diff.previous)}</p>` : '';
  return `<section aria-labelledby="rules"><h2 id="rules">Rejected rows per rule</h2>${legend}<table class="rules">${head}${body.join('')}</table></section>`;
}

function comparePicker(report: QualityReport, options: ReportPageOptions): string {
  const choices = options.others
    .filter(([id]) => id !== report.run_id)
    .map(([id, label]) => `<option value="${escapeHtml(id)}"${options.diff?.previous === id ? ' selected' : ''}>${escapeHtml(label)}</option>`)
    .join('');
  if (!choices) return '<p class="muted">No other run has a quality report to compare with.</p>';
  return `<label for="compare">Compare with</label> <select id="compare"><option value="">(no comparison)</option>${choices}</select>`;
}

const STYLE = `
body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family);
  font-size: var(--vscode-font-size); padding: 0 1.2em 2em; }
h1 { font-size: 1.4em; font-weight: 600; } h2 { font-size: 1.1em; font-weight: 600; margin-top: 1.6em; }
table { border-collapse: collapse; min-width: 32em; }
th, td { padding: 0.25em 0.8em; text-align: left; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
th[scope=col] { color: var(--vscode-descriptionForeground); font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:focus-visible, select:focus-visible, button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.chart { width: 40vw; min-width: 12em; } svg.bars { width: 100%; height: 20px; display: block; }
.bar { fill: var(--vscode-charts-red); } .bar.previous { fill: var(--vscode-charts-blue); }
.delta.worse { color: var(--vscode-errorForeground); font-weight: 600; }
.delta.better { color: var(--vscode-testing-iconPassed, var(--vscode-charts-green)); font-weight: 600; }
.delta.same { color: var(--vscode-descriptionForeground); }
tr.changed th { border-left: 3px solid var(--vscode-editorWarning-foreground, var(--vscode-charts-orange)); }
.muted, .meta { color: var(--vscode-descriptionForeground); }
.key { display: inline-block; width: 0.8em; height: 0.8em; } .key.now { background: var(--vscode-charts-red); }
.key.before { background: var(--vscode-charts-blue); }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground);
  border: 1px solid var(--vscode-dropdown-border, transparent); padding: 0.2em; }
body.vscode-high-contrast .bar, body.vscode-high-contrast-light .bar { stroke: var(--vscode-contrastBorder); stroke-width: 1px; }
`;

const SCRIPT = `
const vscode = acquireVsCodeApi();
const picker = document.getElementById('compare');
if (picker) picker.addEventListener('change', () => vscode.postMessage({ type: 'compare', runId: picker.value }));
`;

/** The whole page. Every value from the report is escaped. */
export function reportPage(report: QualityReport, options: ReportPageOptions): string {
  const csp = `default-src 'none'; img-src ${options.cspSource}; style-src 'nonce-${options.nonce}'; script-src 'nonce-${options.nonce}';`;
  const meta = [
    `run <code>${escapeHtml(report.run_id)}</code> · ${escapeHtml(report.status)}`,
    `started ${escapeHtml(report.started_at)} · ended ${escapeHtml(report.ended_at)}`,
    report.app_id ? `Spark application <code>${escapeHtml(report.app_id)}</code>` : '',
    options.diff ? `compared with <code>${escapeHtml(options.diff.previous)}</code>` : '',
  ].filter(Boolean).map((line) => `<div>${line}</div>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quality report ${escapeHtml(report.run_id)}</title><style nonce="${options.nonce}">${STYLE}</style></head>
<body><main><h1>Quality report</h1><div class="meta">${meta}</div><p>${comparePicker(report, options)}</p>
${totalsSection(report, options.diff)}${rulesSection(report, options.diff)}${monthsSection(report, options.diff)}
</main><script nonce="${options.nonce}">${SCRIPT}</script></body></html>`;
}
