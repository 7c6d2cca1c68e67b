import { setTimeout as sleep } from 'node:timers/promises';
import { EtlError } from '../errors';
import { isTransient, type AirflowClient, type Backfill, type BackfillBody, type ListedDagRun } from './client';
import { askThroughHang, HangWait } from './hang';
import {
  backfillWindow,
  checkBackfillable,
  logicalDateOf,
  monthOfLogicalDate,
  parseMonthRange,
  rangeLabel,
  type MonthRange,
} from './monthRange';
import { FINISHED_RUN_STATES, PIPELINE_DAG, pipelineConf } from './pipelineRun';
import { failureSummary, WatchStopped } from './trigger';

/** What a backfill processes: a month range and the DAG's `source` parameter (shared by every month). */
export interface BackfillRequest {
  /** `YYYY-MM..YYYY-MM` or one `YYYY-MM`. */
  months: string;
  /** `sample` or a URL template with {YYYY} and {MM}; empty: the TLC's. */
  source?: string;
}

/**
 * The body of POST /api/v2/backfills for `range`, or a usage error before anything reaches Airflow.
 *
 * - `dag_run_conf` holds only `source`: never `month`, which would make every run process that one month
 *   (choose_month prefers conf over the logical date).
 * - `reprocess_behavior: completed`: the user names the months to process, so each one runs, as
 *   `etl trigger --month` always does. Airflow's default (`none`) would silently leave out every month that has a run
 *   already (a scheduled one, an earlier backfill's), failed ones included; `failed` would leave out those that
 *   succeeded once, even after the transform changed. Re-running a month is safe: the extract skips files whose
 *   sha256 it has, the transform publishes atomically. (A month whose run is still queued or running is left to
 *   that run whatever the choice: Airflow does not create a second one.) A month run again keeps its run's conf:
 *   confConflicts refuses a range where that conf differs.
 * - `max_active_runs: 1`: one month at a time on a 2-core laptop (one extract, one spark-submit). Airflow counts a
 *   backfill's runs apart from the DAG's own max_active_runs (scheduler `_start_queued_dagruns`), so this is the
 *   limit that holds here.
 * - `run_backwards: false`: oldest month first, as the schedule would have run them.
 * A failed month does not stop the next: backfill runs are independent DAG runs; none of the DAG's tasks has
 * depends_on_past and the DAG sets max_consecutive_failed_dag_runs=0 (no auto-pause after failures), both
 * checked by tests/airflow.
 */
export function backfillBody(range: MonthRange, source?: string, now = new Date()): BackfillBody {
  checkBackfillable(range, now);
  const { fromDate, toDate } = backfillWindow(range);
  return {
    dag_id: PIPELINE_DAG,
    from_date: fromDate,
    to_date: toDate,
    run_backwards: false,
    dag_run_conf: pipelineConf({ source }),
    reprocess_behavior: 'completed',
    max_active_runs: 1,
  };
}

/** One month of a backfill: its run once Airflow made it, its state ('not created' when Airflow made none). */
export interface BackfillMonth {
  month: string;
  logicalDate: string;
  runId?: string;
  state: string;
}

export const NOT_CREATED = 'not created';

export interface BackfillResult {
  backfillId: number;
  dagId: string;
  range: string;
  fromDate: string;
  toDate: string;
  /** Where the DAG's runs and backfills are shown in the Airflow UI. */
  url: string;
  /** Set once Airflow marked the backfill complete (no run of it queued or running). */
  completed: boolean;
  months: BackfillMonth[];
}

export type BackfillEvent =
  | { kind: 'unpaused'; dagId: string }
  | { kind: 'created'; backfillId: number; range: string; fromDate: string; toDate: string; url: string;
    conf: Record<string, unknown> }
  | { kind: 'month'; month: BackfillMonth }
  /** Something the user should know while following (Airflow not answering, then answering again). */
  | { kind: 'note'; text: string };

export interface BackfillOptions {
  onEvent?: (event: BackfillEvent) => void;
  /** Aborting stops the watching only: the backfill goes on in Airflow. */
  signal?: AbortSignal;
  pollMs?: number;
  /** Give up watching after this long (default one hour per month). */
  timeoutMs?: number;
  /** Return right after the backfill is created, with its runs as queued. */
  noWait?: boolean;
  now?: Date;
}

/** Each month of `range` with the run Airflow holds for its logical date (runs of other dates ignored). */
export function monthsOf(range: MonthRange, runs: ListedDagRun[]): BackfillMonth[] {
  const byDate = new Map(runs.filter((r) => r.logical_date).map((r) => [Date.parse(r.logical_date as string), r]));
  return range.months.map((month) => {
    const logicalDate = logicalDateOf(month);
    const run = byDate.get(Date.parse(logicalDate));
    if (!run) return { month, logicalDate, state: NOT_CREATED };
    return { month, logicalDate, runId: run.dag_run_id, state: run.state };
  });
}

/** The months that did not succeed once the backfill is over: failed, or never created. */
export const unsuccessfulMonths = (result: BackfillResult) => result.months.filter((m) => m.state !== 'success');

/** Where the backfill stands: "2 success, 1 failed, 3 queued". */
export function statesSummary(months: BackfillMonth[]): string {
  const counts = new Map<string, number>();
  for (const m of months) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

const sameConf = (a: Record<string, unknown> | null | undefined, b: Record<string, unknown>) => {
  const canonical = (conf: Record<string, unknown>) => JSON.stringify(Object.entries(conf).sort(([x], [y]) =>
    x.localeCompare(y)));
  return canonical(a ?? {}) === canonical(b);
};

/**
 * Airflow's backfill runs a month that has a run already by clearing that run (reprocess_behavior completed), or
 * leaves it to it while it is queued or running: either way the run keeps its own conf (models/backfill.py
 * `_handle_clear_run` changes its type and backfill, not its conf). A month whose run has another conf (another
 * source) would silently run with that one: refused, naming the months.
 */
export function confConflicts(range: MonthRange, existing: ListedDagRun[], conf: Record<string, unknown>): string[] {
  return monthsOf(range, existing)
    .map((month) => ({ month, run: existing.find((r) => r.dag_run_id === month.runId) }))
    .filter(({ run }) => run && !sameConf(run.conf, conf))
    .map(({ month, run }) =>
      `${month.month} (run ${run?.dag_run_id}, ${month.state}, conf ${JSON.stringify(run?.conf ?? {})})`);
}

async function activeBackfillHint(client: AirflowClient): Promise<string> {
  const active = (await client.listBackfills(PIPELINE_DAG).catch(() => [] as Backfill[])).find((b) => !b.completed_at);
  const which = active
    ? `backfill ${active.id} (${monthOfLogicalDate(active.from_date)}..${monthOfLogicalDate(active.to_date)})`
    : 'the running backfill';
  return `Airflow runs one backfill per DAG at a time: wait for ${which} to end, or cancel it in the Airflow UI `
    + `(${client.dagUrl(PIPELINE_DAG)}) or with PUT /api/v2/backfills/${active?.id ?? '<id>'}/cancel`;
}

/** The DAG's active backfill over exactly `body`'s dates, if there is one. */
async function activeBackfillOf(client: AirflowClient, body: BackfillBody): Promise<Backfill | undefined> {
  const same = (a: string, b: string) => Date.parse(a) === Date.parse(b);
  return (await client.listBackfills(PIPELINE_DAG)).find((b) =>
    !b.completed_at && same(b.from_date, body.from_date) && same(b.to_date, body.to_date));
}

/**
 * Creates the backfill once, even when Airflow's answer is lost: after a transient failure (a 5xx such as the
 * native SQLite's "database is locked", a cut connection) the backfill may exist or not. An active one over the
 * same dates is ours; none means nothing was created, so asking again is safe.
 */
export async function createOnce(client: AirflowClient, body: BackfillBody): Promise<Backfill> {
  try {
    return await client.createBackfill(body);
  } catch (error) {
    if (!isTransient(error)) throw error;
    return (await activeBackfillOf(client, body)) ?? client.createBackfill(body);
  }
}

/**
 * Asks Airflow for a backfill of etl_pipeline over the months of `request` (POST /api/v2/backfills: one run per
 * month, created at once, started by the scheduler one at a time), then follows each month's run to the end.
 * A paused DAG is unpaused first: a paused DAG's runs, backfill ones included, stay queued.
 */
export async function backfillPipeline(
  client: AirflowClient,
  request: BackfillRequest,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const range = parseMonthRange(request.months);
  const body = backfillBody(range, request.source, options.now);
  const conflicts = confConflicts(range, await client.runsBetween(PIPELINE_DAG, body.from_date, body.to_date),
    body.dag_run_conf);
  if (conflicts.length) {
    throw new EtlError(
      `${conflicts.length === 1 ? 'a month has' : `${conflicts.length} months have`} a run already with another conf `
        + `than ${JSON.stringify(body.dag_run_conf)}: ${conflicts.join('; ')}; Airflow's backfill would run `
        + 'each again with its own conf',
      'backfill them with the same source, or delete those runs first (Airflow UI, Browse → Dag Runs), or run one '
        + 'month with `etl trigger --month`',
    );
  }
  const dag = await client.getDag(PIPELINE_DAG);
  if (dag.is_paused) {
    await client.setPaused(PIPELINE_DAG, false);
    options.onEvent?.({ kind: 'unpaused', dagId: PIPELINE_DAG });
  }
  let backfill: Backfill;
  try {
    backfill = await createOnce(client, body);
  } catch (error) {
    if (error instanceof EtlError && error.message.includes('(HTTP 409)'))
      throw new EtlError(error.message, await activeBackfillHint(client));
    throw error;
  }
  const url = client.dagUrl(PIPELINE_DAG);
  options.onEvent?.({
    kind: 'created', backfillId: backfill.id, range: rangeLabel(range), fromDate: body.from_date,
    toDate: body.to_date, url, conf: body.dag_run_conf,
  });
  const result = (months: BackfillMonth[], completed: boolean): BackfillResult => ({
    backfillId: backfill.id, dagId: PIPELINE_DAG, range: rangeLabel(range), fromDate: body.from_date,
    toDate: body.to_date, url, completed, months,
  });
  const seen = new Map<string, string>();
  const poll = async () => {
    const months = monthsOf(range, await client.runsBetween(PIPELINE_DAG, body.from_date, body.to_date));
    for (const month of months) {
      if (seen.get(month.month) === `${month.runId}:${month.state}`) continue;
      seen.set(month.month, `${month.runId}:${month.state}`);
      options.onEvent?.({ kind: 'month', month });
    }
    return months;
  };
  if (options.noWait) return result(await poll(), false);

  const timeoutMs = options.timeoutMs ?? 3_600_000 * range.months.length;
  const deadline = Date.now() + timeoutMs;
  const hang = new HangWait();
  const note = (text: string) => options.onEvent?.({ kind: 'note', text });
  // The backfill first: a run that ends between the two reads is then seen ended, never the other way round.
  const read = async () => {
    const { completed_at: completedAt } = await client.getBackfill(backfill.id);
    return { completedAt, months: await poll() };
  };
  for (;;) {
    const now = await askThroughHang(hang, read, note, `backfill ${backfill.id}`);
    const over = now?.months.every((m) => m.state === NOT_CREATED || FINISHED_RUN_STATES.has(m.state));
    if (now?.completedAt && over) return result(now.months, true);
    if (Date.now() > deadline) {
      const states = now ? statesSummary(now.months) : 'unanswered';
      throw new WatchStopped('', url, `${states} after ${Math.round(timeoutMs / 1000)} s`, `backfill ${backfill.id}`);
    }
    await sleep(options.pollMs ?? 3000, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) throw new WatchStopped('', url, 'cancelled', `backfill ${backfill.id}`);
  }
}

/**
 * The months that did not succeed, one paragraph each: the month, its run, and for a failed run the end of its
 * failed task's log (a month a check stopped says so there: the transform's error names the check).
 */
export async function backfillFailureSummary(
  client: AirflowClient, result: BackfillResult, lines = 6,
): Promise<string> {
  const parts: string[] = [];
  for (const month of unsuccessfulMonths(result)) {
    if (!month.runId) {
      parts.push(`${month.month}: no run (Airflow created none for ${month.logicalDate}: another run of that date was `
        + 'in flight)');
      continue;
    }
    parts.push(`${month.month}: run ${month.runId} ${month.state}`);
    const tasks = await client.taskInstances(PIPELINE_DAG, month.runId).catch(() => []);
    const summary = await failureSummary(client, { runId: month.runId, url: result.url, state: month.state, tasks },
      lines);
    if (summary) parts.push(summary.replace(/^/gm, '  '));
  }
  return parts.join('\n');
}
