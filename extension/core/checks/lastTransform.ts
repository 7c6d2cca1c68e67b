import type { Client } from 'minio';
import { isRestoreReport } from '../restore/events';
import { isRunReportKey, parseReport, QUALITY_PREFIX, type QualityReport } from '../runs/report';
import { listAllKeys, type ObjectEntry } from '../s3/listing';
import { readObject } from '../s3/read';

/**
 * The newest run reports first (by when each was written), restores' and unreadable ones left out: the order in which
 * `lastTransformReport` looks for the last transform.
 */
export const newestReportKeys = (entries: ObjectEntry[]) =>
  entries
    .filter((e) => isRunReportKey(e.key))
    .sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || b.key.localeCompare(a.key));

/**
 * The last transform's quality report in gold/_quality/, published or stopped by the checks (latest.json is only the
 * last published one, so the run reports are listed and the newest read): one LIST and a GET or two, not every report.
 * Undefined when no transform wrote one yet.
 */
export async function lastTransformReport(client: Client, bucket: string, maxReads = 5):
  Promise<QualityReport | undefined> {
  const entries = newestReportKeys(await listAllKeys(client, bucket, QUALITY_PREFIX));
  for (const entry of entries.slice(0, maxReads)) {
    const report = parseReport((await readObject(client, bucket, entry.key)).toString('utf8'), entry.key);
    if ('run_id' in report && !isRestoreReport(report)) return report;
  }
  return undefined;
}
