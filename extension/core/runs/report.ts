import { validated } from '../schemas';
import type { QualityCounts } from '../transform/events';

export type { QualityCounts };

/**
 * The transform's quality report, gold/_quality/<run_id>.json (src/etl/transform/report.py, docs/data-model.md).
 * Read tolerantly: fields added later (phase durations, …) are kept, missing optional ones are undefined.
 */
export interface QualityReport extends QualityCounts {
  run_id: string;
  status: string;
  app_id?: string | null;
  /** The extraction run given with --run (null: every run in the manifest). */
  manifest_run?: string | null;
  /** The extraction runs whose trip files were read (reports written since the Runs view). */
  extract_runs?: string[];
  /** The DAG run when Airflow started the transform. */
  airflow?: { dag_id: string; dag_run_id: string; task_id?: string; try_number?: string } | null;
  started_at: string;
  ended_at: string;
  duration_s?: number;
  inputs?: string[];
  months: Record<string, QualityCounts>;
  report_path?: string;
  [extra: string]: unknown;
}

export const QUALITY_PREFIX = '_quality/';
/** A copy of the newest report: not a run of its own. */
export const LATEST_REPORT = `${QUALITY_PREFIX}latest.json`;

export const reportKey = (runId: string) => `${QUALITY_PREFIX}${runId}.json`;

/** Whether a key under _quality/ is a run's report (not latest.json, not a stray file). */
export const isRunReportKey = (key: string) =>
  key.startsWith(QUALITY_PREFIX) && key.endsWith('.json') && key !== LATEST_REPORT;

/**
 * A report, or a message saying why the text is not one (the Runs view shows it instead of failing): the file and
 * the field config/quality-report.schema.json found wrong. Reports older than `months` or `rejected_by_rule` read
 * as if those were empty.
 */
export function parseReport(text: string, source: string): QualityReport | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `${source} is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const loose = value as Partial<QualityReport>;
    loose.rejected_by_rule ??= {};
    loose.months ??= {};
  }
  let reason = '';
  const report = validated<QualityReport>('qualityReport', value, (why) => (reason = why));
  if (!report) return { error: `${source} is not a quality report: ${reason} (config/quality-report.schema.json)` };
  return report;
}

/** The extraction runs a report says it read: extract_runs, else the one given with --run. */
export function consumedExtractRuns(report: QualityReport): string[] {
  if (Array.isArray(report.extract_runs)) return report.extract_runs;
  return report.manifest_run ? [report.manifest_run] : [];
}
