/**
 * Results of the data-quality checks (config/checks.yaml; src/etl/checks): in the transform's quality report
 * (`checks`), in its `checks` event, and from `python -m etl.checks --json` (`etl check`).
 */
export interface CheckResult {
  name: string;
  table: string;
  severity: 'warn' | 'error';
  status: 'pass' | 'fail' | 'skipped';
  measured: number | null;
  bound: string | null;
  message: string;
}

/** What `python -m etl.checks --json` prints. */
export interface CheckRun {
  bucket: string;
  checks: CheckResult[];
  /** The failed error checks (each would stop a transform). */
  failed: string[];
}

const COLUMNS = ['check', 'table', 'severity', 'status', 'measured', 'bound'] as const;

/** A check that stops a transform: failed with severity error. */
export const isBlocking = (result: CheckResult) => result.status === 'fail' && result.severity === 'error';

/** The results as an aligned text table, then one line per check that did not pass (its message). */
export function formatCheckTable(results: CheckResult[]): string {
  const cells = [
    [...COLUMNS] as string[],
    ...results.map((r) => [r.name, r.table, r.severity, r.status, String(r.measured ?? ''), r.bound ?? '']),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const lines = cells.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
  const notes = results.filter((r) => r.status !== 'pass').map((r) => `${r.name}: ${r.status}: ${r.message}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

/** The parsed `--json` document, or an error naming what was wrong with it. */
export function parseCheckRun(text: string): CheckRun {
  const value = JSON.parse(text) as CheckRun;
  if (!Array.isArray(value?.checks)) throw new Error('not a check run: no "checks" list');
  return value;
}
