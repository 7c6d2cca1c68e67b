import type { Client } from 'minio';
import { EtlError } from '../errors';
import { listAllKeys } from './listing';
import { s3aPath } from './paths';

/** What a delete removes: one object, or every object under a prefix (recursively). */
export type DeleteTarget = { bucket: string; key: string } | { bucket: string; prefix: string };

/** S3's DeleteObjects takes at most 1000 keys per request. */
const BATCH = 1000;

/** The keys a delete of `target` removes, listed before anything goes (for the confirmation). */
export async function keysToDelete(client: Client, target: DeleteTarget): Promise<string[]> {
  if ('key' in target) return [target.key];
  return (await listAllKeys(client, target.bucket, target.prefix)).map((entry) => entry.key);
}

/**
 * Removes `keys` from `bucket` in batches of 1000 and returns how many went. A key MinIO
 * refuses (DeleteObjects answers per key) is an error naming it and how many were removed.
 */
export async function deleteKeys(client: Client, bucket: string, keys: readonly string[]): Promise<number> {
  let removed = 0;
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = keys.slice(i, i + BATCH);
    const results = await client.removeObjects(bucket, [...batch]);
    const failed = results.find((result) => result?.Error);
    if (failed?.Error) {
      const { Key: key = '?', Code: code = 'error', Message: reason = '' } = failed.Error;
      throw new EtlError(
        `MinIO refused to delete ${s3aPath({ bucket, key })} (${code}: ${reason})`,
        `${removed} object(s) were deleted before it; check the key's permissions, then delete again`,
      );
    }
    removed += batch.length;
  }
  return removed;
}

/** Deletes an object or a whole prefix recursively; returns the number of objects deleted. */
export async function deleteTarget(client: Client, target: DeleteTarget): Promise<number> {
  return deleteKeys(client, target.bucket, await keysToDelete(client, target));
}
