import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'minio';
import type { DeltaFile } from './deltaLog';

/**
 * Local copies of gold's data files, so DuckDB reads plain local Parquet (its httpfs/delta
 * extensions would be downloaded at run time, which cannot happen here). A copy is named by the
 * object's key and ETag, so a replaced object is fetched again and an unchanged one never is.
 * Bounded: after each fill the least recently used copies beyond `maxBytes` are deleted (never
 * one the current call needs).
 */
export interface CacheOptions {
  dir: string;
  maxBytes: number;
  /** Downloads at a time. */
  parallel?: number;
}

export const DEFAULT_CACHE_BYTES = 4 * 1024 ** 3;

function localName(bucket: string, key: string, etag: string): string {
  const id = createHash('sha256').update(`${bucket}/${key}`).digest('hex').slice(0, 24);
  return `${id}-${etag.replace(/[^A-Za-z0-9-]/g, '')}.parquet`;
}

async function fetchOne(client: Client, bucket: string, file: DeltaFile, dir: string): Promise<string> {
  const { etag } = await client.statObject(bucket, file.key);
  const path = join(dir, localName(bucket, file.key, etag));
  try {
    statSync(path);
    const now = new Date();
    utimesSync(path, now, now); // recently used: evicted last
    return path;
  } catch {
    // not cached yet (or evicted): download beside it, then rename, so a half file is never read
  }
  // A name of its own: two grids of one window may fetch the same file at once.
  const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
  try {
    await client.fGetObject(bucket, file.key, partial);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  return path;
}

/** Local paths of `files`, in the same order, downloading what is missing. */
export async function cachedFiles(
  client: Client,
  bucket: string,
  files: DeltaFile[],
  options: CacheOptions,
): Promise<string[]> {
  mkdirSync(options.dir, { recursive: true });
  const paths: string[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      paths[index] = await fetchOne(client, bucket, files[index], options.dir);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel ?? 4, files.length) }, worker));
  evict(options.dir, options.maxBytes, new Set(paths));
  return paths;
}

/** Deletes the least recently used copies until the folder holds at most `maxBytes` (keeping `inUse`). */
export function evict(dir: string, maxBytes: number, inUse: Set<string>): void {
  const entries = readdirSync(dir)
    .filter((name) => name.endsWith('.parquet'))
    .map((name) => ({ path: join(dir, name), ...statSync(join(dir, name)) }))
    .sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  for (const entry of entries) {
    if (total <= maxBytes) break;
    if (inUse.has(entry.path)) continue;
    rmSync(entry.path, { force: true });
    total -= entry.size;
  }
}
