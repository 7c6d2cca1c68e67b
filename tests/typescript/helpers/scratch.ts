import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'minio';
import type { EtlConfig } from '../../../extension/core/config';
import { listAllKeys } from '../../../extension/core/s3/listing';

/**
 * A test's own rawzone and gold buckets and folders (manifest, logs, locks), so it never touches the stack's
 * data: `env` points the CLI and the Python steps at them. The buckets are made by the first extract/transform.
 */
export function scratchProject(config: EtlConfig, label: string) {
  const suffix = randomBytes(4).toString('hex');
  const tmp = mkdtempSync(join(tmpdir(), `${label}-`));
  const rawzone = `${config.buckets.rawzone}-${label}-${suffix}`;
  const gold = `${config.buckets.gold}-${label}-${suffix}`;
  const env = {
    RAWZONE_BUCKET: rawzone,
    GOLD_BUCKET: gold,
    ETL_BACKUP_DIR: join(tmp, 'backup'),
    ETL_LOG_DIR: join(tmp, 'logs'),
    ETL_LOCK_DIR: join(tmp, 'locks'),
  };
  return { suffix, tmp, rawzone, gold, env };
}

/** Removes a bucket and everything in it (S3 removes only empty buckets). */
export async function emptyAndRemove(client: Client, admin: Client, bucket: string): Promise<void> {
  const keys = (await listAllKeys(client, bucket, '')).map((e) => e.key);
  for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(bucket, keys.slice(i, i + 1000));
  await admin.removeBucket(bucket);
}
