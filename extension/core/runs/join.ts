import type { ManifestRun } from '../manifest/model';
import type { TaskInstance } from '../airflow/client';
import { monthOfLogicalDate } from '../airflow/monthRange';
import { isRestoreReport } from '../restore/events';
import { consumedExtractRuns, type QualityReport } from './report';

export type RunState = 'succeeded' | 'failed' | 'running' | 'queued';

/** An Airflow DAG run, with what the Runs view learnt about it. */
export interface DagRunRecord {
  dagId: string;
  dagRunId: string;
  state: string;
  startedAt: string | null;
  endedAt: string | null;
  conf: Record<string, unknown>;
  /** manual, scheduled, backfill, asset_triggered (Airflow's run_type), when known. */
  runType?: string;
  /** Set for scheduled and backfill runs (a manual run of Airflow 3 has none). */
  logicalDate?: string | null;
  queuedAt?: string | null;
  /** The extraction run its extract task made (its XCom), when known. */
  extractRunId?: string;
  tasks?: TaskInstance[];
}

/** One row of the Runs view: the parts of one pipeline run that belong together. */
export interface PipelineRun {
  /** The row's run id: the extraction's when it has one, else the transform's, else the DAG run's. */
  id: string;
  state: RunState;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  months: string[];
  rows?: { read: number; kept: number; rejected: number };
  extract?: ManifestRun;
  transform?: QualityReport;
  dagRun?: DagRunRecord;
  /** A transform on its own row: the extraction runs it read, which have rows of their own. */
  consumes: string[];
  /** Quality reports are still being read and one of them may be this extraction's transform (progress.ts). */
  reportPending?: boolean;
}

export interface RunSources {
  extracts: ManifestRun[];
  reports: QualityReport[];
  dagRuns: DagRunRecord[];
}

const AIRFLOW_STATES: Record<string, RunState> = {
  success: 'succeeded',
  failed: 'failed',
  running: 'running',
  queued: 'queued',
  upstream_failed: 'failed',
};

const byStart = <T extends { startedAt: string }>(a: T, b: T) => b.startedAt.localeCompare(a.startedAt);

function emptyRow(id: string, startedAt: string): PipelineRun {
  return { id, state: 'succeeded', startedAt, endedAt: null, durationMs: null, months: [], consumes: [] };
}

/**
 * The transform goes on the row of the newest extraction it read (started before it) when that one
 * has no transform yet (Run Pipeline, the DAG, `etl transform --run`); a later transform of the same
 * files is a row of its own that names what it read.
 */
function attachReports(rows: Map<string, PipelineRun>, reports: QualityReport[]): PipelineRun[] {
  const own: PipelineRun[] = [];
  for (const report of [...reports].sort((a, b) => a.started_at.localeCompare(b.started_at))) {
    const consumed = consumedExtractRuns(report);
    const newest = consumed
      .map((id) => rows.get(id))
      .filter((row): row is PipelineRun => !!row && row.startedAt <= report.started_at)
      .sort(byStart)[0];
    if (newest && !newest.transform) newest.transform = report;
    else own.push({ ...emptyRow(report.run_id, report.started_at), transform: report, consumes: consumed });
  }
  return own;
}

/** A DAG run joins the row of the transform it started, else of the extraction its extract task made. */
function attachDagRuns(rows: PipelineRun[], dagRuns: DagRunRecord[]): PipelineRun[] {
  const own: PipelineRun[] = [];
  for (const dagRun of dagRuns) {
    const host =
      rows.find((r) => r.transform?.airflow?.dag_run_id === dagRun.dagRunId) ??
      (dagRun.extractRunId ? rows.find((r) => r.extract?.run_id === dagRun.extractRunId) : undefined);
    if (host && !host.dagRun) host.dagRun = dagRun;
    else own.push({ ...emptyRow(dagRun.dagRunId, dagRun.startedAt ?? ''), dagRun });
  }
  return own;
}

function stateOf(row: PipelineRun): RunState {
  const states: RunState[] = [];
  if (row.extract) states.push(row.extract.status);
  if (row.transform) states.push(row.transform.status === 'succeeded' ? 'succeeded' : 'failed');
  if (row.dagRun) states.push(AIRFLOW_STATES[row.dagRun.state] ?? 'queued');
  for (const state of ['running', 'queued', 'failed'] as const) if (states.includes(state)) return state;
  return 'succeeded';
}

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/** The month a DAG run processes: its conf's, else (scheduled, backfill) its logical date's, as choose_month. */
function dagMonthOf(dagRun: DagRunRecord | undefined): string[] {
  if (!dagRun) return [];
  if (typeof dagRun.conf.month === 'string') return [dagRun.conf.month];
  const month = dagRun.logicalDate ? monthOfLogicalDate(dagRun.logicalDate) : undefined;
  return month ? [month] : [];
}

/** Start, end, duration, months and rows from the row's parts. */
function complete(row: PipelineRun): PipelineRun {
  const starts = [row.extract?.started_at, row.transform?.started_at, row.dagRun?.startedAt].filter(
    (s): s is string => !!s,
  );
  const ends = [row.extract?.ended_at, row.transform?.ended_at, row.dagRun?.endedAt].filter((s): s is string => !!s);
  row.state = stateOf(row);
  row.startedAt = starts.sort()[0] ?? row.startedAt;
  row.endedAt = row.state === 'running' || row.state === 'queued' ? null : (ends.sort().at(-1) ?? null);
  const duration = ms(row.endedAt) - ms(row.startedAt);
  row.durationMs = Number.isFinite(duration) ? duration : null;

  const reportMonths = Object.keys(row.transform?.months ?? {});
  row.months = [...new Set([...(row.extract?.months ?? []), ...reportMonths, ...dagMonthOf(row.dagRun)])].sort();
  if (row.transform) {
    const t = row.transform;
    row.rows = { read: t.rows_read, kept: t.rows_kept, rejected: t.rows_rejected };
  }
  return row;
}

/** Every run, newest first: extractions, transforms and DAG runs joined by run id into pipeline runs. */
export function joinRuns(sources: RunSources): PipelineRun[] {
  const byExtract = new Map<string, PipelineRun>();
  for (const run of sources.extracts)
    byExtract.set(run.run_id, { ...emptyRow(run.run_id, run.started_at), extract: run });
  const transformsAlone = attachReports(byExtract, sources.reports);
  const rows = [...byExtract.values(), ...transformsAlone];
  const dagsAlone = attachDagRuns(rows, sources.dagRuns);
  return [...rows, ...dagsAlone].map(complete).sort(byStart);
}

/** The row run before this one that has a quality report: what "Compare with Previous Run" compares with. */
export function previousWithReport(runs: PipelineRun[], id: string): PipelineRun | undefined {
  const index = runs.findIndex((r) => r.id === id);
  // A restore's report has no rows to compare: the previous transform's is the one.
  return index < 0 ? undefined : runs.slice(index + 1).find((r) => r.transform && !isRestoreReport(r.transform));
}
