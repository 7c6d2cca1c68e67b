import { MONTH } from '../contract';
import { UsageError } from '../errors';
import type { TaskInstance } from './client';

/** The DAG dags/etl_pipeline.py defines. */
export const PIPELINE_DAG = 'etl_pipeline';

/** What a triggered run processes: the DAG's `month` and `source` parameters. */
export interface TriggerRequest {
  /** YYYY-MM; empty: the latest month the TLC has published. */
  month?: string;
  /** `sample` (the bundled Data_extracted files) or a URL template with {YYYY} and {MM}; empty: the TLC's. */
  source?: string;
}

/** YYYY-MM, as the DAG's `month` parameter accepts it (config/contract.json). */
export { MONTH };
const TEMPLATE = /^(file|https?):\/\/.*\{YYYY\}.*\{MM\}/;

/** The run's `conf`, refused with a clear error before anything reaches Airflow. */
export function pipelineConf(request: TriggerRequest): Record<string, string> {
  const conf: Record<string, string> = {};
  if (request.month) {
    if (!MONTH.test(request.month))
      throw new UsageError(`month "${request.month}" is not YYYY-MM`, 'for example --month 2024-01');
    conf.month = request.month;
  }
  if (request.source) {
    if (request.source !== 'sample' && !TEMPLATE.test(request.source)) {
      throw new UsageError(`source "${request.source}" is neither "sample" nor a URL template`, 'use a file://, http:// or https:// URL containing {YYYY} and {MM}');
    }
    conf.source = request.source;
  }
  return conf;
}

export const FINISHED_RUN_STATES = new Set(['success', 'failed']);
const FAILED_TASK_STATES = new Set(['failed', 'upstream_failed']);

/** A task that changed state (or started another try) since the last poll. */
export interface TaskChange {
  taskId: string;
  state: string;
  tryNumber: number;
}

/** The changes between two polls of a run's task instances, in the run's task order. */
export function taskChanges(previous: Map<string, TaskChange>, current: TaskInstance[]): TaskChange[] {
  const changes: TaskChange[] = [];
  for (const task of current) {
    const now: TaskChange = { taskId: task.task_id, state: task.state ?? 'not started', tryNumber: task.try_number };
    const before = previous.get(task.task_id);
    if (before && before.state === now.state && before.tryNumber === now.tryNumber) continue;
    previous.set(task.task_id, now);
    changes.push(now);
  }
  return changes;
}

export const failedTasks = (tasks: TaskInstance[]) => tasks.filter((t) => FAILED_TASK_STATES.has(t.state ?? ''));

/** One line per task: "extract success (try 1)". */
export const describeChange = (change: TaskChange) =>
  `${change.taskId} ${change.state}${change.tryNumber > 1 ? ` (try ${change.tryNumber})` : ''}`;
