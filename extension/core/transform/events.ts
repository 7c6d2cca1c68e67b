import type { CheckResult } from '../checks/results';
import { parseJsonEvent } from '../pythonModule';

/**
 * Events of `python -m etl.submit` on stdout (the driver's JSON lines; docs/data-model.md), as
 * config/transform-events.schema.json and config/quality-report.schema.json describe them.
 */
export interface QualityCounts {
  rows_read: number;
  rows_kept: number;
  rows_rejected: number;
  rejected_by_rule: Record<string, number>;
}

export interface QualityReport extends QualityCounts {
  run_id: string;
  status: 'succeeded';
  app_id: string;
  manifest_run: string | null;
  started_at: string;
  ended_at: string;
  inputs: string[];
  months: Record<string, QualityCounts>;
  report_path?: string;
  /** Seconds: driver start to Spark session (start-up), each phase, each write (files and Delta commit). */
  startup_s?: number | null;
  phases_s?: Record<string, number>;
  writes_s?: Record<string, number>;
  /** Set when the run was skipped: why (nothing changed since this report's run). */
  skipped?: string;
  /** Every check's result on what the run published (config/checks.yaml; reports since the checks). */
  checks?: CheckResult[];
}

export type TransformEvent =
  /** Before Spark starts: the transform before this one ended without finishing (killed before it could report). */
  | { event: 'previous_unfinished'; run_id: string; phase: string; written: string[]; message: string }
  | {
      event: 'run_start'; run_id: string; app_id: string; ui_url: string | null; master: string;
      manifest_run: string | null; startup_s?: number;
      /** The manifest's runs of another store (the other stack mode, a profile's S3), left out: one line. */
      left_out?: string;
    }
  | { event: 'phase'; phase: TransformPhase; files?: string[]; checks?: number }
  /** Every check's result on the data about to be written, before any write. */
  | { event: 'checks'; results: CheckResult[] }
  | {
      /** One Delta commit: the run's months of a month-partitioned table (YYYY-MM), or [] for a whole table. */
      event: 'table_written'; table: string; months: string[]; path: string; seconds?: number; unchanged?: boolean;
    }
  | {
      event: 'run_done'; run_id: string; status: 'succeeded' | 'failed' | 'skipped'; report: QualityReport | null;
      report_path: string | null; error: string | null; message?: string;
      /** 'checks': an error check stopped the run before any write (report: the failed run's, with the results). */
      stopped_by?: 'checks';
      /** A failure of the code: the file and line of the package where it failed (the driver's path). */
      file?: string; line?: number;
    };

export type TransformPhase = 'read' | 'classify' | 'checks' | 'write';

/** One line per committed (or unchanged, skipped) table write, with its seconds. */
export function describeWrite(event: Extract<TransformEvent, { event: 'table_written' }>): string {
  if (event.unchanged) return `unchanged ${event.path} (same content as its last commit: not rewritten)`;
  const months = event.months.length ? ` ${event.months.join(', ')}` : '';
  return `committed ${event.path}${months}${event.seconds !== undefined ? ` in ${event.seconds} s` : ''}`;
}

/** "checks: 14 passed, 1 failed (warn: fact_trips_flag), 0 skipped" from the checks event. */
export function describeChecks(results: CheckResult[]): string {
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status);
  const failed = count('fail');
  const named = failed.length ? ` (${failed.map((r) => `${r.severity}: ${r.name}`).join(', ')})` : '';
  return `checks: ${count('pass').length} passed, ${failed.length} failed${named}, ${count('skipped').length} skipped`;
}

/** A stdout line as an event validated against config/transform-events.schema.json (else undefined: noise). */
export const parseTransformLine = (line: string, onInvalid?: (reason: string) => void) =>
  parseJsonEvent<TransformEvent>(line, 'transformEvents', onInvalid);

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number) => value.toLocaleString('en-US');

/** The quality report as a small text table: totals, then rules (non-zero), per month. */
export function formatQualityReport(report: QualityReport): string {
  const months = Object.keys(report.months);
  const header = [pad('', 24), pad('total', 12), ...months.map((m) => pad(m, 12))].join('');
  const row = (label: string, pick: (c: QualityCounts) => number) =>
    [pad(label, 24), pad(num(pick(report)), 12), ...months.map((m) => pad(num(pick(report.months[m])), 12))]
      .join('')
      .trimEnd();
  const lines = [
    `quality report ${report.run_id} (${report.report_path ?? 'gold/_quality'})`,
    header.trimEnd(),
    row('rows read', (c) => c.rows_read),
    row('rows kept', (c) => c.rows_kept),
    row('rows rejected', (c) => c.rows_rejected),
  ];
  for (const rule of Object.keys(report.rejected_by_rule)) {
    if (report.rejected_by_rule[rule]) lines.push(row(`  ${rule}`, (c) => c.rejected_by_rule[rule] ?? 0));
  }
  const timings = formatTimings(report);
  if (timings) lines.push(timings);
  return lines.join('\n');
}

/** "time: start-up 9.1 s, read 2.0 s, classify 3.2 s, write 8.4 s" from the report's phases, when it has them. */
export function formatTimings(report: QualityReport): string | undefined {
  const phases = Object.entries(report.phases_s ?? {});
  if (!phases.length) return undefined;
  const parts = report.startup_s != null ? [`start-up ${report.startup_s} s`] : [];
  parts.push(...phases.map(([phase, seconds]) => `${phase} ${seconds} s`));
  return `time: ${parts.join(', ')}`;
}
