import type { Client } from 'minio';
import type { EtlConfig } from '../config';
import { s3Client } from '../s3/client';

/** A client signed in as MinIO's root user: administration only (the ETL uses its own key). */
export function adminClient(config: EtlConfig): Client {
  return s3Client(config, { accessKey: config.minio.rootUser, secretKey: config.minio.rootPassword });
}

/** Creates `rawzone` and `gold` when missing; returns the ones it created. */
export async function ensureBuckets(config: EtlConfig): Promise<string[]> {
  const client = adminClient(config);
  const created: string[] = [];
  for (const bucket of [config.buckets.rawzone, config.buckets.gold]) {
    if (await client.bucketExists(bucket)) continue;
    await client.makeBucket(bucket, config.minio.region);
    created.push(bucket);
  }
  return created;
}
