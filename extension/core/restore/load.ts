import type { Client } from 'minio';
import type { EtlConfig } from '../config';
import { listGoldTables } from '../gold/tables';
import { loadManifest, manifestPath } from '../manifest/model';
import { isRunReportKey, QUALITY_PREFIX } from '../runs/report';
import { listAllKeys } from '../s3/listing';
import { readObject } from '../s3/read';
import { planRestore, type LogCommit, type RestorePlan, type TableLog } from './plan';

const COMMIT = /_delta_log\/(\d{20})\.json$/;

interface Action {
  add?: { path: string; stats?: string | null };
  remove?: { path: string };
  commitInfo?: { timestamp?: number; operation?: string; userMetadata?: string };
}

function rowsOfStats(stats: string | null | undefined): number | undefined {
  try {
    const n = stats ? (JSON.parse(stats) as { numRecords?: number }).numRecords : undefined;
    return n === undefined ? undefined : Number(n);
  } catch {
    return undefined; // stats are optional in Delta: the file still counts, its rows are unknown
  }
}

/** One commit's JSON lines as restore needs them (see plan.ts LogCommit). */
export function parseCommit(version: number, text: string): LogCommit {
  const actions = text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Action);
  const info = actions.find((a) => a.commitInfo)?.commitInfo;
  return {
    version,
    timestamp: info?.timestamp === undefined ? undefined : Number(info.timestamp),
    operation: info?.operation,
    userMetadata: info?.userMetadata ?? undefined,
    added: actions.flatMap((a) =>
      a.add ? [{ path: decodeURIComponent(a.add.path), rows: rowsOfStats(a.add.stats) }] : [],
    ),
    removed: actions.flatMap((a) => (a.remove ? [decodeURIComponent(a.remove.path)] : [])),
  };
}

/** Every JSON commit still in `root`'s `_delta_log/` (root with its trailing slash), oldest first. */
export async function readTableLog(client: Client, bucket: string, root: string): Promise<TableLog> {
  const versions = (await listAllKeys(client, bucket, `${root}_delta_log/`))
    .flatMap((e) => {
      const m = COMMIT.exec(e.key);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);
  const commits: LogCommit[] = [];
  for (const version of versions) {
    const key = `${root}_delta_log/${String(version).padStart(20, '0')}.json`;
    commits.push(parseCommit(version, (await readObject(client, bucket, key)).toString('utf8')));
  }
  return { table: root.replace(/\/$/, ''), commits };
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
  for (const table of await listGoldTables(client, bucket)) logs.push(await readTableLog(client, bucket, table.root));
  return planRestore(beforeRun, logs, await knownRuns(config, client, env));
}
