import type { ExtractRequest } from '../extract/run';
import { monthOfLogicalDate } from '../airflow/monthRange';
import type { TriggerRequest } from '../airflow/pipelineRun';
import type { EtlConfig } from '../config';
import type { PipelineRun } from './join';

/** What "Re-run" starts again: the same months from the same source, the same way. */
export type RerunPlan =
  | { kind: 'dag'; request: TriggerRequest }
  | { kind: 'steps'; extract?: ExtractRequest; transform: boolean; transformRun?: string };

/** The bundled sample's template (etl.extract.layout.sample_source) ends like this wherever the checkout is. */
const SAMPLE_TEMPLATE = /\/Data_extracted\/yellow_tripdata_\{YYYY\}-\{MM\}\.parquet$/;

export function rerunPlan(run: PipelineRun): RerunPlan {
  if (run.dagRun) {
    const { month, source } = run.dagRun.conf;
    // A scheduled or backfill run names no month: its logical date does (the month again, not the latest one).
    const dated = run.dagRun.logicalDate ? monthOfLogicalDate(run.dagRun.logicalDate) : undefined;
    return {
      kind: 'dag',
      request: {
        month: typeof month === 'string' ? month : dated,
        source: typeof source === 'string' ? source : undefined,
      },
    };
  }
  if (run.extract) {
    const template = run.extract.source_template;
    const source = SAMPLE_TEMPLATE.test(template) ? { sample: true as const } : { template };
    return { kind: 'steps', extract: { months: run.extract.months.join(','), source }, transform: !!run.transform };
  }
  // A transform on its own row: the same extraction run(s) again (one named run, or every run).
  return { kind: 'steps', transform: true, transformRun: run.consumes.length === 1 ? run.consumes[0] : undefined };
}

/** The Spark History Server's page of an application. */
export const sparkHistoryUrl = (config: EtlConfig, appId: string) =>
  `http://${config.bindHost}:${config.spark.historyUiPort}/history/${encodeURIComponent(appId)}/`;
