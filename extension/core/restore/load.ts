import type { Client } from 'minio';
import type { EtlConfig } from '../config';
import { readTableLog } from '../gold/deltaLog';
import { commitOf, rowsOfAdd, type LogEntry } from '../gold/logReplay';
import { listGoldTables } from '../gold/tables';
import { loadManifest, manifestPath } from '../manifest/model';
import { isRunReportKey, QUALITY_PREFIX } from '../runs/report';
import { listAllKeys } from '../s3/listing';
import { planRestore, type LogCommit, type RestorePlan, type TableLog } from './plan';

/** One commit of a log read by the Gold reader (core/gold/deltaLog.ts), as restore needs it (plan.ts LogCommit). */
export function logCommitOf({ version, actions }: LogEntry): LogCommit {
  const info = commitOf(version, actions);
  return {
    version,
    timestamp: info.timestamp,
    operation: info.operation,
    userMetadata: info.userMetadata,
    added: actions.flatMap((a) => (a.add ? [{ path: decodeURIComponent(a.add.path), rows: rowsOfAdd(a.add) }] : [])),
    removed: actions.flatMap((a) => (a.remove ? [decodeURIComponent(a.remove.path)] : [])),
  };
}

/** Every JSON commit still in `root`'s `_delta_log/` (root with its trailing slash), oldest first. */
export async function readRestoreLog(client: Client, bucket: string, root: string): Promise<TableLog> {
  const log = await readTableLog(client, bucket, root);
  return { table: root.replace(/\/$/, ''), commits: log.commits.map(logCommitOf) };
}

/** Runs that exist without necessarily writing gold: reports in gold/_quality/ and the manifest's extractions. */
async function knownRuns(config: EtlConfig, client: Client, env: NodeJS.ProcessEnv): Promise<string[]> {
  const reports = (await listAllKeys(client, config.buckets.gold, QUALITY_PREFIX))
    .filter((e) => isRunReportKey(e.key))
    .map((e) => e.key.slice(QUALITY_PREFIX.length, -'.json'.length));
  const extractions = loadManifest(manifestPath(config.paths.root, env)).runs.map((r) => r.run_id);
  return [...reports, ...extractions];
}

/** Reads every gold table's log (star-schema order) and plans the restore before `beforeRun`. */
export async function loadRestorePlan(
  config: EtlConfig,
  client: Client,
  beforeRun: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RestorePlan> {
  const bucket = config.buckets.gold;
  const logs: TableLog[] = [];
  for (const table of await listGoldTables(client, bucket)) logs.push(await readRestoreLog(client, bucket, table.root));
  return planRestore(beforeRun, logs, await knownRuns(config, client, env));
}
