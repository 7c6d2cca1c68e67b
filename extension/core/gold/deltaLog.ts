import type { Client } from 'minio';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { EtlError } from '../errors';
import { listAllKeys } from '../s3/listing';
import { readObject } from '../s3/read';

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

interface AddAction {
  path: string;
  size: number | bigint;
  partitionValues?: Record<string, string | null>;
  stats?: string | null;
}
interface Action {
  add?: AddAction;
  remove?: { path: string };
  metaData?: { schemaString: string; partitionColumns: string[] };
  commitInfo?: {
    timestamp?: number;
    operation?: string;
    operationParameters?: { predicate?: string };
    userMetadata?: string;
    operationMetrics?: { numOutputRows?: string };
  };
}

/** Mutable state while replaying: path (relative to the root) → its add action. */
interface Replay {
  files: Map<string, AddAction>;
  metaData?: Action['metaData'];
}

function apply(state: Replay, action: Action): void {
  if (action.add) state.files.set(decodeURIComponent(action.add.path), action.add);
  else if (action.remove) state.files.delete(decodeURIComponent(action.remove.path));
  else if (action.metaData) state.metaData = action.metaData;
}

function commitOf(version: number, actions: Action[]): DeltaCommit {
  const info = actions.find((a) => a.commitInfo)?.commitInfo;
  const rows = info?.operationMetrics?.numOutputRows;
  return {
    version,
    timestamp: info?.timestamp === undefined ? undefined : Number(info.timestamp),
    operation: info?.operation,
    predicate: info?.operationParameters?.predicate,
    userMetadata: info?.userMetadata ?? undefined,
    rowsWritten: rows === undefined ? undefined : Number(rows),
    filesAdded: actions.filter((a) => a.add).length,
    filesRemoved: actions.filter((a) => a.remove).length,
  };
}

async function readCheckpoint(client: Client, bucket: string, key: string, state: Replay): Promise<void> {
  const data = await readObject(client, bucket, key);
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, columns: ['add', 'remove', 'metaData'], compressors });
  for (const row of rows) apply(state, row as Action);
}

const versionsOf = (keys: string[], re: RegExp) =>
  keys
    .flatMap((k) => {
      const m = re.exec(k);
      return m ? [Number(m[1])] : [];
    })
    .sort((a, b) => a - b);

/** Reads the current snapshot and the history of the Delta table at `root` (e.g. `fact_trips/`). */
export async function readDeltaTable(client: Client, bucket: string, root: string): Promise<DeltaTableState> {
  const logKeys = (await listAllKeys(client, bucket, `${root}${LOG}`)).map((e) => e.key);
  const commits = versionsOf(logKeys, COMMIT);
  const checkpoints = versionsOf(logKeys, CHECKPOINT);
  if (!commits.length && !checkpoints.length) {
    throw new EtlError(
      `s3://${bucket}/${root} is not a Delta table (no commit in ${root}${LOG})`,
      'run the transform (`etl transform`) to write gold',
    );
  }
  const state: Replay = { files: new Map() };
  let start = 0;
  // Replay from the newest checkpoint only when the commits before it are gone (Delta keeps both).
  if (checkpoints.length && (!commits.length || commits[0] > 0)) {
    const checkpoint = checkpoints[checkpoints.length - 1];
    await readCheckpoint(client, bucket, `${root}${LOG}${pad(checkpoint)}.checkpoint.parquet`, state);
    start = checkpoint + 1;
  }
  const history: DeltaCommit[] = [];
  let version = start - 1;
  for (const v of commits.filter((c) => c >= start)) {
    const text = (await readObject(client, bucket, `${root}${LOG}${pad(v)}.json`)).toString('utf8');
    const actions = text
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Action);
    for (const action of actions) apply(state, action);
    history.unshift(commitOf(v, actions));
    version = v;
  }
  return tableState(bucket, root, version, state, history);
}

function tableState(
  bucket: string,
  root: string,
  version: number,
  state: Replay,
  history: DeltaCommit[],
): DeltaTableState {
  if (!state.metaData)
    throw new EtlError(
      `the Delta log of s3://${bucket}/${root} has no metaData action`,
      'the table is damaged; rerun the transform',
    );
  const partitionColumns = [...state.metaData.partitionColumns];
  const schema = JSON.parse(state.metaData.schemaString) as {
    fields: { name: string; type: unknown; nullable: boolean }[];
  };
  const columns = schema.fields.map((f) => ({
    name: f.name,
    type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type),
    nullable: f.nullable,
    partition: partitionColumns.includes(f.name),
  }));
  const files = [...state.files.entries()].map(([path, add]) => fileOf(root, path, add));
  files.sort((a, b) => a.key.localeCompare(b.key));
  return { bucket, root, version, columns, partitionColumns, files, history };
}

function fileOf(root: string, path: string, add: AddAction): DeltaFile {
  let rows: number | undefined;
  try {
    const stats = add.stats ? (JSON.parse(add.stats) as { numRecords?: number }) : undefined;
    rows = stats?.numRecords === undefined ? undefined : Number(stats.numRecords);
  } catch {
    rows = undefined; // stats are optional in Delta; a file without them still belongs to the table
  }
  return { key: `${root}${path}`, size: Number(add.size), rows, partitionValues: { ...(add.partitionValues ?? {}) } };
}
