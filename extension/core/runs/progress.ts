import type { ObjectEntry } from '../s3/listing';
import { joinRuns, type DagRunRecord, type PipelineRun } from './join';
import type { ManifestRun } from '../manifest/model';
import type { QualityReport } from './report';

/** Reports to read, newest first: the rows at the top of the view (newest first too) fill in first. */
export const readOrder = (pending: ObjectEntry[]): ObjectEntry[] =>
  [...pending].sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || a.key.localeCompare(b.key));

/**
 * The Runs view's rows from what is known before every report is read: the extractions, the reports read so far
 * (joined as joinRuns does) and the unread ones' listing. An extraction row without a transform is marked
 * `reportPending` while an unread report was written after it started (only such a report can have read it):
 * the row shows what the manifest says and that its report may still come. Rows keep their place as reports
 * arrive: an extraction row's start is its extraction's, which an attached report never moves.
 */
export function partialRuns(
  extracts: ManifestRun[],
  reports: QualityReport[],
  unread: ObjectEntry[],
  dagRuns: DagRunRecord[] = [],
): PipelineRun[] {
  const runs = joinRuns({ extracts, reports, dagRuns });
  const newestUnread = Math.max(...unread.map((e) => e.lastModified.getTime()));
  if (!Number.isFinite(newestUnread)) return runs;
  for (const run of runs)
    if (run.extract && !run.transform && Date.parse(run.extract.started_at) <= newestUnread) run.reportPending = true;
  return runs;
}

/**
 * Calls `fire` at most once per `ms` while `poke` is called (the view repaints a few times while 1,000 reports
 * arrive, not 1,000 times); `cancel` drops a repaint not yet made.
 */
export function throttled(fire: () => void, ms: number): { poke: () => void; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    poke: () => {
      timer ??= setTimeout(() => {
        timer = undefined;
        fire();
      }, ms);
    },
    cancel: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
