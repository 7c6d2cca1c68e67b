import { describeSchema } from '../diff/format';
import { isUnchanged, type PartitionChange, type RowsSelector, type TableDiff } from '../diff/model';
import type { VersionCompare } from '../gold/compareVersion';
import { compareTitle } from '../gold/compareVersion';
import { escapeHtml } from '../runs/escape';
import { webviewPageHtml, type WebviewHost } from '../webview/page';
import type { PreviewDiff } from './compare';

/**
 * The "Change preview" page: per changed table its counts, each a button that opens the rows behind it in the
 * data grid; unchanged tables in one line. Self-contained (no CDN), the strict CSP of core/webview/page.ts
 * (media/change-preview.css and .js, the script by nonce), VS Code's theme variables for every colour, every value
 * from data escaped.
 */
export type PreviewPageOptions = WebviewHost;

const n = (value: number) => value.toLocaleString('en-US');

/** A count that opens its rows; a zero is plain text (nothing to open). */
function countButton(table: string, selector: RowsSelector, text: string, label: string, count: number): string {
  if (!count) return `<span class="zero">${escapeHtml(text)}</span>`;
  const data = escapeHtml(JSON.stringify({ table, selector }));
  return `<button class="count" data-rows="${data}" aria-label="${escapeHtml(label)}" ` +
    `title="Open these rows in the grid">${escapeHtml(text)}</button>`;
}

const HEAD = ['before', 'after', 'added', 'removed', 'changed'].map((h) => `<th scope="col" class="num">${h}</th>`);
const cell = (html: string) => `<td class="num">${html}</td>`;

function tableSection(diff: TableDiff, index: number): string {
  const t = diff.table;
  const changed = diff.key.length
    ? countButton(t, { kind: 'changed' }, n(diff.changed), `${n(diff.changed)} rows of ${t} changed`, diff.changed)
    : '<span class="zero" title="no key: rows are compared whole">—</span>';
  const cells = [
    cell(n(diff.rowsBefore)),
    cell(n(diff.rowsAfter)),
    cell(countButton(t, { kind: 'added' }, `+${n(diff.added)}`, `${n(diff.added)} rows added to ${t}`, diff.added)),
    cell(countButton(t, { kind: 'removed' }, `−${n(diff.removed)}`, `${n(diff.removed)} rows removed from ${t}`,
      diff.removed)),
    cell(changed),
  ].join('');
  const head = `<tr><th scope="col">rows</th>${HEAD.join('')}</tr>`;
  const parts = [`<table><thead>${head}</thead><tbody><tr><th scope="row">${escapeHtml(diff.scope)}</th>${cells}</tr>`];
  for (const group of (diff.groups ?? []).filter((g) => g.added || g.removed)) {
    const name = group.value ?? '(kept)';
    const added = countButton(t, { kind: 'group-added', value: group.value }, `+${n(group.added)}`,
      `${n(group.added)} more rows rejected by ${name}`, group.added);
    const removed = countButton(t, { kind: 'group-removed', value: group.value }, `−${n(group.removed)}`,
      `${n(group.removed)} fewer rows rejected by ${name}`, group.removed);
    const counts = [n(group.before), n(group.after), added, removed].map(cell).join('');
    parts.push(`<tr class="group"><th scope="row">${escapeHtml(name)}</th>${counts}<td></td></tr>`);
  }
  for (const part of (diff.partitions ?? []).filter(partitionMoved)) {
    const counts = [n(part.before), n(part.after), `+${n(part.added)}`, `−${n(part.removed)}`,
      diff.key.length ? n(part.changed) : '—'].map(cell).join('');
    parts.push(`<tr class="partition"><th scope="row">${escapeHtml(part.label)}</th>${counts}</tr>`);
  }
  parts.push('</tbody></table>');
  const schema = describeSchema(diff.schema);
  if (schema.length) parts.push(`<ul class="schema">${schema.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`);
  if (diff.columns.length) parts.push(columnsTable(diff));
  const id = `t${index}`;
  return `<section aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(t)}</h2>${parts.join('')}</section>`;
}

const partitionMoved = (p: PartitionChange) => p.added || p.removed || p.changed || p.before !== p.after;

function columnsTable(diff: TableDiff): string {
  const rows = diff.columns.map((c) => {
    const e = c.examples[0];
    const value = (text: string | null) => escapeHtml(text ?? 'null');
    const shown = e ? `<code>${escapeHtml(e.key)}</code>: ${value(e.before)} → ${value(e.after)}` : '';
    const button = countButton(diff.table, { kind: 'column', column: c.column }, n(c.changed),
      `${n(c.changed)} values of ${c.column} changed`, c.changed);
    return `<tr><th scope="row"><code>${escapeHtml(c.column)}</code></th>${cell(button)}<td>${shown}</td></tr>`;
  });
  const head = '<tr><th scope="col">column</th><th scope="col" class="num">values changed</th>' +
    '<th scope="col">for example</th></tr>';
  return `<table class="columns"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page for one preview's diff against gold. */
export function previewPage(diff: PreviewDiff, options: PreviewPageOptions): string {
  const { preview } = diff;
  const versions = Object.entries(diff.goldVersions)
    .map(([table, v]) => `${escapeHtml(table)} ${v === null ? '(absent)' : `v${v}`}`)
    .join(', ');
  const meta = [
    `<code>${escapeHtml(preview.id)}</code>: ${escapeHtml(preview.described)} ` +
      `(${escapeHtml(preview.months.join(', '))})`,
    `the working tree's transform on the dev session, in ${preview.seconds.toFixed(1)} s; ` +
      `diff ${diff.diffSeconds.toFixed(1)} s`,
    `compared with gold as it is: ${versions}`,
    '<span class="published">Nothing was published</span>: gold keeps these versions.',
  ];
  return diffPage('Change preview', meta, diff.tables, 'Your change makes no difference to any gold table.', options);
}

/** Compare with current (a History version of the Gold tables view): the same page, titled by the versions. */
export function comparePage(compare: VersionCompare, options: PreviewPageOptions): string {
  const meta = [
    `<code>${escapeHtml(compare.table)}</code> at version ${compare.version} (before) against its current version ` +
      `${compare.current} (after); diff ${compare.seconds.toFixed(1)} s`,
    ...(compare.schemaHistory.length
      ? [`schema changes committed since v${compare.version}: ${compare.schemaHistory.map(escapeHtml).join('; ')}`]
      : []),
  ];
  const same = `Version ${compare.version} and the current version hold the same rows and schema.`;
  return diffPage(compareTitle(compare), meta, [compare.diff], same, options);
}

/** A page of diffs: its title, lines about what was compared (already HTML), the changed tables' sections. */
function diffPage(
  title: string,
  meta: string[],
  tables: TableDiff[],
  none: string,
  options: PreviewPageOptions,
): string {
  const changed = tables.filter((t) => !isUnchanged(t));
  const unchanged = tables.filter((t) => isUnchanged(t)).map((t) => t.table);
  const body = changed.length ? changed.map((t, i) => tableSection(t, i)).join('') : `<p>${escapeHtml(none)}</p>`;
  const rest = unchanged.length && changed.length
    ? `<p class="muted">Unchanged: ${unchanged.map(escapeHtml).join(', ')}</p>`
    : '';
  const about = meta.map((line) => `<div>${line}</div>`).join('');
  return webviewPageHtml(options, {
    title,
    style: 'change-preview.css',
    script: 'change-preview.js',
    body: `<main><h1>${escapeHtml(title)}</h1><div class="meta">${about}</div>${body}${rest}
<p class="muted">Counts open the rows behind them in the data grid (Tab to move, Enter to open).</p>
</main>`,
  });
}
