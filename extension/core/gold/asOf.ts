import type { Client } from 'minio';
import { EtlError } from '../errors';
import { checkRunId } from '../runId';
import { parseReport, reportKey } from '../runs/report';
import { readObject } from '../s3/read';
import { readTableLog, runOfCommit, type DeltaCommit } from './deltaLog';
import { historyOf, type AsOf } from './logReplay';
import { listGoldTables } from './tables';

/** Which gold a catalog reads: a version or a time per table, or every table as a run left it. */
export type CatalogAsOf = AsOf | { run: string };

/** Which version of each table was read, e.g. `fact_trips@v3, dim_zone@v1` (etl query's stderr, a grid's title). */
export const versionsLine = (versions: Map<string, number>) =>
  [...versions].map(([name, version]) => `${name}@v${version}`).join(', ');

/** A run as time travel needs it: its id and when it ended (epoch ms). */
export interface RunPoint {
  runId: string;
  endedAt: number;
}

/**
 * A table right after `point`'s run: its last commit by the run when the run wrote it, else its last
 * version committed by the run's end (a table created later has none: the replay says so).
 */
export function asOfRun(history: DeltaCommit[], point: RunPoint): AsOf {
  const own = history.filter((c) => runOfCommit(c) === point.runId).map((c) => c.version);
  return own.length ? { version: Math.max(...own) } : { timestamp: point.endedAt };
}

/** The report's ended_at is stamped to the second (src/etl/transform/job.py): its whole second counts. */
export const endOfStampedSecond = (iso: string) => Date.parse(iso) + 999;

const isMissing = (error: unknown) => ['NoSuchKey', 'NotFound'].includes((error as { code?: string })?.code ?? '');

/**
 * When run `runId` ended: its quality report's ended_at, else (no report: a failed run, an older
 * gold) its last commit to any gold table. Neither: an error naming the run.
 */
export async function resolveRun(client: Client, bucket: string, runId: string): Promise<RunPoint> {
  checkRunId(runId, 'run'); // it names the report's object: refused before any S3 call
  const text = await readObject(client, bucket, reportKey(runId)).then(
    (b) => b.toString('utf8'),
    (error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    },
  );
  const report = text === undefined ? undefined : parseReport(text, `s3://${bucket}/${reportKey(runId)}`);
  if (report && 'run_id' in report && !Number.isNaN(Date.parse(report.ended_at)))
    return { runId, endedAt: endOfStampedSecond(report.ended_at) };
  let last: number | undefined;
  for (const ref of await listGoldTables(client, bucket)) {
    const own = historyOf(await readTableLog(client, bucket, ref.root)).filter((c) => runOfCommit(c) === runId);
    for (const commit of own) last = Math.max(last ?? -Infinity, commit.timestamp ?? -Infinity);
  }
  if (last === undefined || !Number.isFinite(last))
    throw new EtlError(
      `no run ${runId} in s3://${bucket}: no quality report _quality/${runId}.json and no commit by it`,
      'the Runs view (VS Code) lists the runs; their reports are gold/_quality/<run id>.json, ' +
        'and each History version in the Gold tables view names its run',
    );
  return { runId, endedAt: last };
}
