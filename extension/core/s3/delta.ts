import type { Client } from 'minio';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { listAllKeys } from './listing';
import { readObject } from './read';

/**
 * The current snapshot of a Delta Lake table (every gold table is one, docs/data-model.md).
 * The table is its `_delta_log/`: `<v>.json` commits whose `add`/`remove` actions put data files
 * in and out of the snapshot (and a Parquet checkpoint when older commits are gone). A folder
 * also holds superseded files (a replaced month's) and files of unfinished writes until VACUUM:
 * listing the folder is not reading the table.
 */
export interface DeltaSnapshot {
  /** Table folder, e.g. `fact_trips/`. */
  root: string;
  version: number;
  /** Data file keys (bucket-relative) in the current snapshot. */
  current: Set<string>;
}

export const DELTA_LOG = '_delta_log/';
const COMMIT = /(\d{20})\.json$/;
const CHECKPOINT = /(\d{20})\.checkpoint\.parquet$/;

interface Action {
  add?: { path: string };
  remove?: { path: string };
}

function apply(files: Set<string>, action: Action | undefined): void {
  if (action?.add) files.add(decodeURIComponent(action.add.path));
  else if (action?.remove) files.delete(decodeURIComponent(action.remove.path));
}

/** Replays the log; `logKeys` are the keys under `<root>_delta_log/`. */
export async function readSnapshot(
  client: Client,
  bucket: string,
  root: string,
  logKeys: string[],
): Promise<DeltaSnapshot | undefined> {
  const versions = (re: RegExp) =>
    logKeys
      .flatMap((k) => {
        const m = re.exec(k);
        return m ? [Number(m[1])] : [];
      })
      .sort((a, b) => a - b);
  const commits = versions(COMMIT);
  const checkpoints = versions(CHECKPOINT);
  if (!commits.length && !checkpoints.length) return undefined;
  const files = new Set<string>();
  let start = 0;
  if (checkpoints.length && (!commits.length || commits[0] > 0)) {
    start = checkpoints[checkpoints.length - 1];
    await readCheckpoint(client, bucket, `${root}${DELTA_LOG}${pad(start)}.checkpoint.parquet`, files);
    start += 1;
  }
  let version = start - 1;
  for (const v of commits.filter((c) => c >= start)) {
    const text = (await readObject(client, bucket, `${root}${DELTA_LOG}${pad(v)}.json`)).toString('utf8');
    for (const line of text.split('\n')) if (line.trim()) apply(files, JSON.parse(line) as Action);
    version = v;
  }
  return { root, version, current: new Set([...files].map((f) => `${root}${f}`)) };
}

async function readCheckpoint(client: Client, bucket: string, key: string, files: Set<string>): Promise<void> {
  const data = await readObject(client, bucket, key);
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const rows = await parquetReadObjects({ file, columns: ['add', 'remove'], compressors });
  for (const row of rows) apply(files, row as Action);
}

const pad = (version: number) => String(version).padStart(20, '0');

/** The Delta table folder `prefix` is (or is inside), if any: the nearest ancestor with a `_delta_log/`. */
export async function deltaTableOf(client: Client, bucket: string, prefix: string): Promise<DeltaSnapshot | undefined> {
  const parts = prefix.split('/').filter(Boolean);
  for (let n = parts.length; n >= 1; n--) {
    const root = `${parts.slice(0, n).join('/')}/`;
    const logKeys = (await listAllKeys(client, bucket, `${root}${DELTA_LOG}`)).map((e) => e.key);
    if (logKeys.length) return readSnapshot(client, bucket, root, logKeys);
  }
  return undefined;
}

/** How a data file of a Delta table stands: in the current snapshot or not (superseded / unfinished write). */
export function fileStatus(snapshot: DeltaSnapshot, key: string): 'current' | 'superseded' | 'log' {
  if (key.startsWith(`${snapshot.root}${DELTA_LOG}`) || key.slice(snapshot.root.length).startsWith('_')) return 'log';
  return snapshot.current.has(key) ? 'current' : 'superseded';
}

/** The line a preview of a Delta table's data file starts with. */
export function deltaNote(snapshot: DeltaSnapshot, key: string): string {
  const where = `Delta table ${snapshot.root} (version ${snapshot.version})`;
  const status = fileStatus(snapshot, key);
  if (status === 'log') return `# ${where}: this file is part of the table's log (_delta_log), not data.`;
  if (status === 'current') return `# ${where}: this file is in the current snapshot (one file of the table).`;
  return `# ${where}: this file is NOT in the current snapshot (superseded by a later commit, or written by a run ` +
    `that never committed; VACUUM removes it). Read the table through Delta, not this file.`;
}
