import type { Backfill } from '../airflow/client';
import { logicalDateOf, monthOfLogicalDate, parseMonthRange, rangeLabel } from '../airflow/monthRange';
import type { PipelineRun, RunState } from './join';

/** One month of a backfill in the Runs view: its row once Airflow made its run. */
export interface BackfillMonthRow {
  month: string;
  run?: PipelineRun;
}

/** A backfill and its months: one node of the Runs view, "backfill 2024-01..2024-06". */
export interface BackfillGroup {
  backfill: Backfill;
  /** "2024-01..2024-06". */
  range: string;
  months: BackfillMonthRow[];
  /** running while a month is queued or running and Airflow has not marked it complete; failed when one failed. */
  state: RunState;
  /** "2 succeeded · 1 failed · 3 queued". */
  summary: string;
}

/** The Runs view's top level: rows, and backfills holding their months' rows. */
export type RunsEntry = { kind: 'run'; run: PipelineRun } | { kind: 'backfill'; group: BackfillGroup };

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

/**
 * The backfill a row's DAG run belongs to: Airflow's run list does not say (DAGRunResponse has no backfill_id), so
 * the newest backfill whose window holds the run's logical date and that was created before the run was queued
 * (a backfill that reprocesses a date takes its run over, and queues it again).
 */
function ownerOf(run: PipelineRun, backfills: Backfill[]): Backfill | undefined {
  const dagRun = run.dagRun;
  if (dagRun?.runType !== 'backfill' || !dagRun.logicalDate) return undefined;
  const at = time(dagRun.logicalDate);
  const queued = time(dagRun.queuedAt ?? dagRun.startedAt);
  return [...backfills]
    .sort((a, b) => b.id - a.id)
    .find((b) => time(b.from_date) <= at && at <= time(b.to_date)
      && (Number.isNaN(queued) || time(b.created_at) <= queued));
}

const LABELS: Record<RunState, string> = { succeeded: 'succeeded', failed: 'failed', running: 'running',
  queued: 'queued' };

function groupOf(backfill: Backfill, rows: PipelineRun[]): BackfillGroup {
  const first = monthOfLogicalDate(backfill.from_date) ?? '?';
  const last = monthOfLogicalDate(backfill.to_date) ?? '?';
  let months: string[];
  try {
    months = parseMonthRange(`${first}..${last}`).months;
  } catch {
    months = []; // a backfill not made by `etl trigger --months` (odd window): its rows only
  }
  const byDate = new Map(rows.map((r) => [time(r.dagRun?.logicalDate), r]));
  const monthRows: BackfillMonthRow[] = months.length
    ? months.map((month) => ({ month, run: byDate.get(time(logicalDateOf(month))) }))
    : rows.map((run) => ({ month: run.months.join(', '), run }));
  const counts = new Map<string, number>();
  for (const m of monthRows) {
    const state = m.run ? LABELS[m.run.state] : backfill.completed_at ? 'not run' : 'not created yet';
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const states = monthRows.map((m) => m.run?.state);
  const state: RunState = !backfill.completed_at && states.some((s) => s === 'running' || s === 'queued')
    ? 'running'
    : states.includes('failed') || (backfill.completed_at && states.includes(undefined)) ? 'failed' : 'succeeded';
  return {
    backfill,
    range: rangeLabel({ first, last }),
    months: monthRows,
    state,
    summary: [...counts].map(([s, n]) => `${n} ${s}`).join(' · '),
  };
}

/**
 * The rows (newest first) with each backfill's runs gathered into one entry, placed where its newest row was.
 * Rows of no known backfill stay as they are.
 */
export function groupBackfills(runs: PipelineRun[], backfills: Backfill[]): RunsEntry[] {
  const members = new Map<number, PipelineRun[]>();
  const owners = new Map<PipelineRun, Backfill>();
  for (const run of runs) {
    const owner = ownerOf(run, backfills);
    if (!owner) continue;
    owners.set(run, owner);
    members.set(owner.id, [...(members.get(owner.id) ?? []), run]);
  }
  const entries: RunsEntry[] = [];
  const placed = new Set<number>();
  for (const run of runs) {
    const owner = owners.get(run);
    if (!owner) entries.push({ kind: 'run', run });
    else if (!placed.has(owner.id)) {
      placed.add(owner.id);
      entries.push({ kind: 'backfill', group: groupOf(owner, members.get(owner.id) ?? []) });
    }
  }
  return entries;
}
