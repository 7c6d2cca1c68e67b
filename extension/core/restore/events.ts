import { parseJsonEvent } from '../pythonModule';
import type { QualityReport } from '../runs/report';

/** A table of a restore report: the version it was at, the version restored, the new version the RESTORE made. */
export interface RestoredTable {
  from: number | null;
  to: number;
  restored_version?: number;
}

/** gold/_quality/<restore id>.json (src/etl/restore/run.py): a QualityReport with zero rows, kind "restore". */
export interface RestoreReport extends QualityReport {
  kind: 'restore';
  before_run: string;
  tables: Record<string, RestoredTable>;
  restored: string[];
  not_restored: string[];
  error?: string | null;
}

/** Events of `python -m etl.restore` on stdout, one JSON object per line. */
export type RestoreEvent =
  | { event: 'restore_start'; run_id: string; before_run: string; tables: Record<string, number> }
  | {
      event: 'table_restored'; table: string; from: number | null; to: number; restored_version: number;
      seconds: number;
    }
  | { event: 'table_failed'; table: string; to: number | null; error: string }
  | {
      event: 'restore_done'; run_id: string; status: 'succeeded' | 'failed'; report: RestoreReport | null;
      report_path: string | null; error: string | null; restored: string[]; not_restored: string[];
    };

/** A stdout line as its event, validated against config/restore-events.schema.json (else undefined, noise). */
export const parseRestoreLine = (line: string, onInvalid?: (reason: string) => void) =>
  parseJsonEvent<RestoreEvent>(line, 'restoreEvents', onInvalid);

/** Whether a quality report is a restore's (the Runs view labels it "restore before <run>"). */
export const isRestoreReport = (report: QualityReport | undefined): report is RestoreReport =>
  report?.kind === 'restore' && typeof report.before_run === 'string';

/** One progress line per table (stderr of `etl restore`, the VS Code progress notification). */
export function describeRestoreEvent(event: RestoreEvent): string | undefined {
  if (event.event === 'table_restored')
    return `restored ${event.table} to v${event.to} (new version v${event.restored_version}, ${event.seconds} s)`;
  if (event.event === 'table_failed') return `FAILED ${event.table}: ${event.error}`;
  return undefined;
}
