import { EtlError } from '../errors';
import type { DeltaCommit, DeltaFile, DeltaTableState } from './deltaLog';
import { schemaChanges, type TableShape } from './schemaDiff';

/**
 * The replay of a Delta log already read (pure: the unit tests build logs in memory). `deltaLog.ts`
 * reads the objects; this turns them into the snapshot at a version, and the history.
 */
export interface AddAction {
  path: string;
  size: number | bigint;
  partitionValues?: Record<string, string | null>;
  stats?: string | null;
}
export interface Action {
  add?: AddAction;
  remove?: { path: string };
  metaData?: TableShape;
  commitInfo?: {
    timestamp?: number;
    operation?: string;
    operationParameters?: { predicate?: string };
    userMetadata?: string;
    operationMetrics?: { numOutputRows?: string };
  };
}

/** A log object that cannot be read as Delta wrote it: named, never replayed as if it were empty. */
export function damagedLog(where: string, what: string): EtlError {
  return new EtlError(`the Delta log object ${where} is damaged: ${what}`,
    'put that object back from a copy (MinIO versioning, a backup); the table cannot be read until then');
}

/** The actions of one JSON commit (a line each); a line that is not a JSON object names the object and line. */
export function parseCommitText(text: string, where: string): Action[] {
  return text.split('\n').flatMap((line, index) => {
    if (!line.trim()) return [];
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch (error) {
      throw damagedLog(where, `line ${index + 1} is not JSON (${(error as Error).message})`);
    }
    if (typeof action !== 'object' || action === null || Array.isArray(action))
      throw damagedLog(where, `line ${index + 1} is not a Delta action (a JSON object)`);
    return [action as Action];
  });
}

export interface LogEntry {
  version: number;
  actions: Action[];
}

export interface TableLog {
  bucket: string;
  root: string;
  /** The checkpoint replay starts from, read only when the JSON commits before it are gone. */
  checkpoint?: LogEntry;
  /** The JSON commits after the checkpoint (all of them when none is used), ascending. */
  commits: LogEntry[];
}

/** A snapshot wanted: at a version, or the last version committed at or before a time (epoch ms). */
export type AsOf = { version: number } | { timestamp: number };

/** The table did not exist yet at the time asked: not an error for `--as-of-run` (the table is left out). */
export class NotYetCreatedError extends EtlError {}

const iso = (ms: number | undefined) => (ms === undefined ? 'an unknown time' : new Date(ms).toISOString());

export function commitOf(version: number, actions: Action[]): DeltaCommit {
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

/** Every commit still in the log, newest first, each with the schema changes its metaData made. */
export function historyOf(log: TableLog): DeltaCommit[] {
  let shape = log.checkpoint?.actions.find((a) => a.metaData)?.metaData;
  const history: DeltaCommit[] = [];
  for (const entry of log.commits) {
    const commit = commitOf(entry.version, entry.actions);
    const next = entry.actions.find((a) => a.metaData)?.metaData;
    if (next) {
      const changes = schemaChanges(shape, next);
      if (changes.length) commit.schemaChanges = changes;
      shape = next;
    }
    history.unshift(commit);
  }
  return history;
}

const latestOf = (log: TableLog) => log.commits.at(-1)?.version ?? log.checkpoint?.version ?? -1;

/** The version a snapshot `asOf` is read at; throws when the log cannot give it. */
export function versionAsOf(log: TableLog, asOf?: AsOf): number {
  const latest = latestOf(log);
  if (!asOf) return latest;
  const where = `s3://${log.bucket}/${log.root}`;
  const oldest = log.checkpoint?.version ?? log.commits[0]?.version ?? 0;
  if ('version' in asOf) {
    if (asOf.version > latest)
      throw new EtlError(
        `${where} has no version ${asOf.version}: its latest is ${latest}`,
        `ask for a version from ${oldest} to ${latest} (the Gold tables view's History lists them)`,
      );
    if (asOf.version < oldest)
      throw new EtlError(
        `the commits of ${where} up to version ${oldest - 1} are gone (folded into the checkpoint of ` +
          `version ${oldest}), so version ${asOf.version} cannot be read`,
        `the oldest version still readable is ${oldest}`,
      );
    return asOf.version;
  }
  const before = log.commits.filter((c) => (commitOf(c.version, c.actions).timestamp ?? Infinity) <= asOf.timestamp);
  if (before.length) return before[before.length - 1].version;
  const first = log.commits[0] ? commitOf(log.commits[0].version, log.commits[0].actions) : undefined;
  if (log.checkpoint)
    throw new EtlError(
      `the log of ${where} no longer says which version was current at ${iso(asOf.timestamp)}: ` +
        `versions up to ${log.checkpoint.version} were folded into a checkpoint`,
      `its oldest commit still in the log is version ${first?.version ?? latest} at ${iso(first?.timestamp)}`,
    );
  throw new NotYetCreatedError(
    `${where} did not exist yet at ${iso(asOf.timestamp)}: its first commit (version ${first?.version ?? 0}) ` +
      `is at ${iso(first?.timestamp)}`,
    'ask for a later time, or leave the as-of out for the current snapshot',
  );
}

/** The table at `asOf` (default: its latest version), with its whole history. */
export function replayLog(log: TableLog, asOf?: AsOf): DeltaTableState {
  const version = versionAsOf(log, asOf);
  const files = new Map<string, AddAction>();
  let metaData: TableShape | undefined;
  const apply = (action: Action) => {
    if (action.add) files.set(filePath(log, action.add.path), action.add);
    else if (action.remove) files.delete(filePath(log, action.remove.path));
    else if (action.metaData) metaData = action.metaData;
  };
  log.checkpoint?.actions.forEach(apply);
  for (const entry of log.commits.filter((c) => c.version <= version)) entry.actions.forEach(apply);
  const { bucket, root } = log;
  if (!metaData)
    throw new EtlError(
      `the Delta log of s3://${bucket}/${root} has no metaData action`,
      'the table is damaged; rerun the transform',
    );
  const partitionColumns = [...(metaData.partitionColumns ?? [])];
  const schema = schemaOf(log, metaData);
  const columns = schema.fields.map((f) => ({
    name: f.name,
    type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type),
    nullable: f.nullable,
    partition: partitionColumns.includes(f.name),
  }));
  const current = [...files.entries()].map(([path, add]) => fileOf(root, path, add));
  current.sort((a, b) => a.key.localeCompare(b.key));
  return { bucket, root, version, columns, partitionColumns, files: current, history: historyOf(log) };
}

type Schema = { fields: { name: string; type: unknown; nullable: boolean }[] };

function schemaOf(log: TableLog, metaData: TableShape): Schema {
  try {
    const schema = JSON.parse(metaData.schemaString) as Schema;
    if (Array.isArray(schema.fields) && schema.fields.every((f) => typeof f?.name === 'string')) return schema;
  } catch {
    // said below
  }
  throw damagedLog(`of s3://${log.bucket}/${log.root}`, 'its metaData schemaString is not a Spark schema');
}

/** A data file's path as the log writes it (URL-encoded); one that cannot be decoded is a damaged log. */
function filePath(log: TableLog, path: unknown): string {
  try {
    if (typeof path === 'string') return decodeURIComponent(path);
  } catch {
    // said below
  }
  throw damagedLog(`of s3://${log.bucket}/${log.root}`, `a file path ${JSON.stringify(path)} is not URL-encoded text`);
}

/** The rows of an added file, from its stats; undefined when the writer kept none. */
export function rowsOfAdd(add: Pick<AddAction, 'stats'>): number | undefined {
  try {
    const stats = add.stats ? (JSON.parse(add.stats) as { numRecords?: number }) : undefined;
    return stats?.numRecords === undefined ? undefined : Number(stats.numRecords);
  } catch {
    return undefined; // stats are optional in Delta; a file without them still belongs to the table
  }
}

function fileOf(root: string, path: string, add: AddAction): DeltaFile {
  const rows = rowsOfAdd(add);
  return { key: `${root}${path}`, size: Number(add.size), rows, partitionValues: { ...(add.partitionValues ?? {}) } };
}
