import type { GridPage } from './engine';

const NULL = '∅';
const MAX_WIDTH = 40;

const clip = (text: string) => (text.length > MAX_WIDTH ? `${text.slice(0, MAX_WIDTH - 1)}…` : text);

/** A page as aligned text for the terminal (`etl query`): numbers right, text left, null as ∅. */
export function formatPage(page: GridPage): string {
  const header = page.columns.map((c) => c.name);
  const body = page.rows.map((row) => row.map((v) => clip(v ?? NULL)));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (page.columns[i].numeric ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const shown = page.total === undefined ? `${page.rows.length} row(s)` : `${page.rows.length} of ${page.total} row(s)`;
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    `(${shown}, ${page.ms.toFixed(0)} ms)`,
  ].join('\n');
}
