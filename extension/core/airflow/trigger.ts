import { setTimeout as sleep } from 'node:timers/promises';
import { EtlError } from '../errors';
import type { AirflowClient, DagRun, TaskInstance } from './client';
import { askThroughHang, HangWait, unreachableCause } from './hang';
import {
  FINISHED_RUN_STATES,
  PIPELINE_DAG,
  failedTasks,
  pipelineConf,
  taskChanges,
  type TaskChange,
  type TriggerRequest,
} from './pipelineRun';

export type TriggerEvent =
  | { kind: 'unpaused'; dagId: string }
  | { kind: 'triggered'; runId: string; url: string; conf: Record<string, string> }
  | { kind: 'task'; change: TaskChange }
  /** Something the user should know while following (Airflow not answering, then answering again). */
  | { kind: 'note'; text: string };

export interface TriggerOptions {
  onEvent?: (event: TriggerEvent) => void;
  /** Aborting stops the watching only: the run goes on in Airflow. */
  signal?: AbortSignal;
  pollMs?: number;
  /** Give up watching after this long (default one hour). */
  timeoutMs?: number;
  /** Return right after the trigger, without watching. */
  noWait?: boolean;
  /** How long Airflow not answering in time (a hang) is waited out while following (default HANG_WAIT_MS). */
  hangWaitMs?: number;
}

export interface TriggerResult {
  runId: string;
  url: string;
  /** success | failed, or the state when not watched to the end. */
  state: string;
  tasks: TaskInstance[];
}

export class WatchStopped extends EtlError {
  /** `what`: what was watched ("run <id>" by default, "backfill 3"). */
  constructor(runId: string, url: string, why: string, what = `run ${runId}`) {
    super(`${why}; stopped watching ${what}, which goes on in Airflow`, `follow it at ${url}`);
  }
}

/**
 * Triggers etl_pipeline through Airflow's REST API and follows it to the end,
 * reporting each task's state change. A paused DAG is unpaused first: a paused
 * DAG's runs stay queued (its schedule has no start date, so this starts no other run).
 */
export async function triggerPipeline(
  client: AirflowClient,
  request: TriggerRequest,
  options: TriggerOptions = {},
): Promise<TriggerResult> {
  const conf = pipelineConf(request);
  const dag = await client.getDag(PIPELINE_DAG);
  if (dag.is_paused) {
    await client.setPaused(PIPELINE_DAG, false);
    options.onEvent?.({ kind: 'unpaused', dagId: PIPELINE_DAG });
  }
  const run = await client.triggerRun(PIPELINE_DAG, conf);
  const url = client.runUrl(PIPELINE_DAG, run.dag_run_id);
  options.onEvent?.({ kind: 'triggered', runId: run.dag_run_id, url, conf });
  if (options.noWait) return { runId: run.dag_run_id, url, state: run.state, tasks: [] };
  const hang = new HangWait(options.hangWaitMs);
  return watchRun(client, run, url, options, hang).catch((error: unknown) => {
    throw lostWhileFollowing(error, { runId: run.dag_run_id, url }, hang.silentS);
  });
}

async function watchRun(
  client: AirflowClient,
  run: DagRun,
  url: string,
  options: TriggerOptions,
  hang: HangWait,
): Promise<TriggerResult> {
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const deadline = Date.now() + timeoutMs;
  const seen = new Map<string, TaskChange>();
  for (;;) {
    const now = await readRun(client, run.dag_run_id, hang, options);
    if (now) {
      for (const change of taskChanges(seen, now.tasks)) options.onEvent?.({ kind: 'task', change });
      if (FINISHED_RUN_STATES.has(now.state)) return { runId: run.dag_run_id, url, ...now };
    }
    if (Date.now() > deadline) {
      const state = now?.state ?? 'unanswered';
      throw new WatchStopped(run.dag_run_id, url, `still ${state} after ${Math.round(timeoutMs / 1000)} s`);
    }
    // An abort ends the wait early (the rejection) and the watch just below.
    await sleep(options.pollMs ?? 2000, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) throw new WatchStopped(run.dag_run_id, url, 'cancelled');
  }
}

/** The run's tasks and state; undefined while Airflow hangs and is waited for (`hang`). */
function readRun(client: AirflowClient, runId: string, hang: HangWait, options: TriggerOptions) {
  const ask = async () => {
    const tasks = await client.taskInstances(PIPELINE_DAG, runId);
    return { tasks, state: (await client.getRun(PIPELINE_DAG, runId)).state };
  };
  return askThroughHang(hang, ask, (text) => options.onEvent?.({ kind: 'note', text }), `run ${runId}`);
}

/** The end of a failed task's log, for the error message (Airflow 3 serves it as JSON lines). */
export async function failureSummary(client: AirflowClient, result: TriggerResult, lines = 12): Promise<string> {
  const parts: string[] = [];
  for (const task of failedTasks(result.tasks)) {
    if (task.state !== 'failed') continue;
    const log = await client.taskLog(PIPELINE_DAG, result.runId, task.task_id, task.try_number).catch(() => []);
    parts.push(
      `${task.task_id} failed (try ${task.try_number}); last log lines:`,
      ...log.slice(-lines).map((l) => `  ${l}`),
    );
  }
  return parts.join('\n');
}

/**
 * Airflow gone while a queued run was followed: the run is not lost, and the user is told so (its scheduler runs an
 * unfinished task again when it starts; tests/python/faults/test_airflow_faults.py's stop-then-start cell). After a
 * hang waited out for `silentS` without an answer, the message says it hangs rather than that it stopped.
 */
export function lostWhileFollowing(error: unknown, queued: { runId: string; url: string }, silentS = 0): unknown {
  if (unreachableCause(error) === undefined) return error;
  const { message, hint } = error as EtlError;
  if (silentS > 0)
    return new EtlError(
      `${message} while following run ${queued.runId}: Airflow has not answered for ${silentS} s, it hangs; the run `
        + 'is not finished, and not lost: it goes on once Airflow answers again',
      '`etl status` says whether its supervisor restarted it; `etl stop airflow` then `etl start airflow` restarts '
        + `it by hand; then see ${queued.url}`,
    );
  return new EtlError(
    `${message} while following run ${queued.runId}: the run is not finished, and not lost: a stopped Airflow `
      + 'runs its unfinished task again once it is started',
    `${hint ? `${hint}; then ` : ''}see ${queued.url}`,
  );
}
