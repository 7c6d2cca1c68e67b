import { isRestoreReport, type RestoreReport } from '../restore/events';
import type { PipelineRun } from './join';

/** Labels for people (when, what, outcome); run ids go to the description and tooltip. */

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "today 14:05", "yesterday 09:12", "Mar 3 17:40", "Mar 3 2025 17:40" in local time. */
export function whenLabel(iso: string, now = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return 'unknown time';
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const dayStart = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((dayStart(now) - dayStart(at)) / 86_400_000);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `yesterday ${time}`;
  const year = at.getFullYear() === now.getFullYear() ? '' : ` ${at.getFullYear()}`;
  return `${MONTHS[at.getMonth()]} ${at.getDate()}${year} ${time}`;
}

/** "2024-01", "2024-01–2024-03" for consecutive months, else a comma list. */
export function monthsLabel(months: string[]): string {
  if (months.length <= 1) return months[0] ?? 'no month';
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
  const consecutive = months.every((m, i) => i === 0 || index(m) === index(months[i - 1]) + 1);
  return consecutive ? `${months[0]}–${months.at(-1)}` : months.join(', ');
}

/** "1.2 s", "3 min 05 s", "1 h 02 min". */
export function durationLabel(ms: number | null): string {
  if (ms === null || ms < 0) return '';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(Math.round(s % 60))} s`;
  return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** What ran: which steps, through what. */
export function whatLabel(run: PipelineRun): string {
  if (isRestoreReport(run.transform)) return `Restore before ${run.transform.before_run}`;
  const steps = [run.extract && 'extract', run.transform && 'transform'].filter(Boolean).join(' + ');
  if (run.dagRun) return steps ? `Airflow ${steps}` : `Airflow ${run.dagRun.dagId}`;
  if (run.extract && run.transform) return 'Pipeline';
  return run.extract ? 'Extract' : 'Transform';
}

/**
 * A run an error check stopped before any write (`stopped_by: "checks"`): the failed error checks' names (empty when
 * the report does not list them). Undefined for any other run, a crash included.
 */
export function stoppedByChecks(run: PipelineRun): string[] | undefined {
  if (run.transform?.stopped_by !== 'checks') return undefined;
  const checks = Array.isArray(run.transform.checks)
    ? (run.transform.checks as { status?: unknown; severity?: unknown; name?: unknown }[])
    : [];
  return checks
    .filter((c) => c?.status === 'fail' && c.severity === 'error' && typeof c.name === 'string')
    .map((c) => c.name as string);
}

export function outcomeLabel(run: PipelineRun): string {
  // A run an error check stopped before any write is not a crash: say which check
  const stopped = stoppedByChecks(run);
  if (stopped) return `stopped by checks: ${stopped.join(', ') || 'failed'}`;
  if (run.state !== 'succeeded') return run.state;
  if (isRestoreReport(run.transform)) {
    const n = run.transform.restored.length;
    return `${n} table${n === 1 ? '' : 's'} restored`;
  }
  if (run.rows) return `${count(run.rows.kept)} kept, ${count(run.rows.rejected)} rejected`;
  const files = run.extract?.files.length;
  return files === undefined ? 'succeeded' : `${files} file${files === 1 ? '' : 's'}`;
}

export interface RunLabels {
  label: string;
  description: string;
  tooltip: string;
}

/** A restore's tables: the version each was at, the version restored, the version the RESTORE made. */
function restoreLines(report: RestoreReport): string[] {
  const tables = Object.entries(report.tables ?? {}).map(([table, t]) => {
    const made = t.restored_version === undefined ? '' : ` (now v${t.restored_version})`;
    return `${table} v${t.from ?? '?'} → v${t.to}${made}`;
  });
  const missed = report.not_restored?.length ? [`not restored: ${report.not_restored.join(', ')}`] : [];
  return [...tables, ...missed];
}

/** The Runs view's row: "today 14:05 · Pipeline 2024-01–2024-02 · 38,880 kept, 1,120 rejected". */
export function runLabels(run: PipelineRun, now = new Date()): RunLabels {
  const restore = isRestoreReport(run.transform) ? run.transform : undefined;
  const what = restore ? whatLabel(run) : `${whatLabel(run)} ${monthsLabel(run.months)}`;
  const label = `${whenLabel(run.startedAt, now)} · ${what} · ${outcomeLabel(run)}`;
  // The first paint comes before every report is read (progress.ts): say this row's may still come.
  const pending = run.reportPending ? 'reading report…' : '';
  const description = [pending, durationLabel(run.durationMs), run.id].filter(Boolean).join(' · ');
  const lines = [
    `${whatLabel(run)} ${run.state}, started ${run.startedAt}${run.endedAt ? `, ended ${run.endedAt}` : ''}`,
    run.extract && `extraction run ${run.extract.run_id}${run.extract.error ? ` — ${run.extract.error}` : ''}`,
    ...(restore ? restoreLines(restore) : []),
    !restore &&
      run.transform &&
      `transform run ${run.transform.run_id}${run.transform.app_id ? ` (Spark ${run.transform.app_id})` : ''}`,
    run.dagRun && `Airflow ${run.dagRun.dagId} run ${run.dagRun.dagRunId} (${run.dagRun.state})`,
    stoppedByChecks(run) &&
      `stopped by checks before any write (nothing published): ${stoppedByChecks(run)?.join(', ') || 'see the report'}`,
    run.consumes.length ? `read extraction run(s) ${run.consumes.join(', ')}` : '',
    !restore &&
      run.rows &&
      `rows read ${count(run.rows.read)}, kept ${count(run.rows.kept)}, rejected ${count(run.rows.rejected)}`,
  ];
  return { label, description, tooltip: lines.filter(Boolean).join('\n') };
}
