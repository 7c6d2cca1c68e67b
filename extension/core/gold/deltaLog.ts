import type { Client } from 'minio';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { EtlError } from '../errors';
import { listAllKeys } from '../s3/listing';
import { readObject } from '../s3/read';
import { damagedLog, parseCommitText, replayLog, type Action, type AsOf, type TableLog } from './logReplay';

export type { AsOf } from './logReplay';

/**
 * A Delta table as stored: its `_delta_log/` replayed from the newest checkpoint (if older commits
 * are gone) plus the JSON commits after it. Unlike `s3/delta.ts` (which only marks files current or
 * superseded), this keeps what the Gold tables view shows: the schema, each current file with its
 * partition values, size and row count, and every commit still in the log as the table's history.
 */
export interface DeltaColumn {
  name: string;
  /** Delta's type name: `integer`, `long`, `string`, `timestamp_ntz`, `decimal(10,2)`, or a nested type's JSON. */
  type: string;
  nullable: boolean;
  partition: boolean;
}

export interface DeltaFile {
  /** Bucket-relative key of the data file. */
  key: string;
  size: number;
  /** From the `add` action's stats; undefined when the writer kept none. */
  rows?: number;
  /** Partition column → value as the log stores it (a string; null for a null partition). */
  partitionValues: Record<string, string | null>;
}

export interface DeltaCommit {
  version: number;
  /** Epoch milliseconds of the commit (commitInfo.timestamp). */
  timestamp?: number;
  operation?: string;
  /** e.g. the `replaceWhere` predicate of a month's overwrite. */
  predicate?: string;
  /** The run that wrote it: the transform sets Delta's commitInfo userMetadata to its run id. */
  userMetadata?: string;
  rowsWritten?: number;
  filesAdded: number;
  filesRemoved: number;
  /** What its metaData changed ("+ column x double", "type of y: integer → long"); undefined: nothing. */
  schemaChanges?: string[];
}

export interface DeltaTableState {
  bucket: string;
  /** Table folder with a trailing slash, e.g. `fact_trips/`. */
  root: string;
  version: number;
  columns: DeltaColumn[];
  partitionColumns: string[];
  files: DeltaFile[];
  /** Commits still in the log, newest first (older ones were folded into a checkpoint). */
  history: DeltaCommit[];
}

/** A tagged commit's userMetadata is "<run id> | <what it was built from>" (src/etl/transform/unchanged.py). */
const RUN_SEPARATOR = ' | ';

/** The run that made a commit (the transform stamps its run id in commitInfo.userMetadata), undefined if unnamed. */
export const runOfCommit = (commit: Pick<DeltaCommit, 'userMetadata'>): string | undefined =>
  commit.userMetadata ? commit.userMetadata.split(RUN_SEPARATOR)[0] || undefined : undefined;

const LOG = '_delta_log/';
const COMMIT = /(\d{20})\.json$/;
const CHECKPOINT = /(\d{20})\.checkpoint\.parquet$/;
const pad = (version: number) => String(version).padStart(20, '0');

async function readCheckpoint(client: Client, bucket: string, key: string): Promise<Action[]> {
  return parseCheckpoint(await readObject(client, bucket, key), `s3://${bucket}/${key}`);
}

/** A checkpoint's actions; one that is not Parquet (cut short, overwritten) names its object. */
export async function parseCheckpoint(data: Buffer, where: string): Promise<Action[]> {
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  try {
    return (await parquetReadObjects({ file, columns: ['add', 'remove', 'metaData'], compressors })) as Action[];
  } catch (error) {
    throw damagedLog(where, `it is not a checkpoint Parquet file (${(error as Error).message})`);
  }
}

const versionsOf = (keys: string[], re: RegExp) =>
  keys
    .flatMap((k) => {
      const m = re.exec(k);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);

/** The objects of the log at `root` that a replay needs: the newest checkpoint only when older commits are gone. */
export async function readTableLog(client: Client, bucket: string, root: string): Promise<TableLog> {
  const logKeys = (await listAllKeys(client, bucket, `${root}${LOG}`)).map((e) => e.key);
  const commits = versionsOf(logKeys, COMMIT);
  const checkpoints = versionsOf(logKeys, CHECKPOINT);
  if (!commits.length && !checkpoints.length) {
    throw new EtlError(
      `s3://${bucket}/${root} is not a Delta table (no commit in ${root}${LOG})`,
      'run the transform (`etl transform`) to write gold',
    );
  }
  let checkpoint: TableLog['checkpoint'];
  // Replay from the newest checkpoint only when the commits before it are gone (Delta keeps both).
  if (checkpoints.length && (!commits.length || commits[0] > 0)) {
    const version = checkpoints[checkpoints.length - 1];
    const key = `${root}${LOG}${pad(version)}.checkpoint.parquet`;
    checkpoint = { version, actions: await readCheckpoint(client, bucket, key) };
  }
  const start = checkpoint ? checkpoint.version + 1 : 0;
  const entries: TableLog['commits'] = [];
  for (const version of commits.filter((c) => c >= start)) {
    const key = `${root}${LOG}${pad(version)}.json`;
    const text = (await readObject(client, bucket, key)).toString('utf8');
    entries.push({ version, actions: parseCommitText(text, `s3://${bucket}/${key}`) });
  }
  return { bucket, root, checkpoint, commits: entries };
}

/**
 * Reads the Delta table at `root` (e.g. `fact_trips/`): its snapshot at `asOf` (default: the latest version)
 * and its whole history.
 */
export async function readDeltaTable(
  client: Client,
  bucket: string,
  root: string,
  asOf?: AsOf,
): Promise<DeltaTableState> {
  return replayLog(await readTableLog(client, bucket, root), asOf);
}
