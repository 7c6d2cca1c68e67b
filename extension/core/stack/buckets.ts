import { Client } from 'minio';
import type { EtlConfig } from '../config';

export function minioClient(config: EtlConfig): Client {
  return new Client({
    endPoint: config.bindHost,
    port: config.minio.apiPort,
    useSSL: false,
    accessKey: config.minio.rootUser,
    secretKey: config.minio.rootPassword,
    region: config.minio.region,
  });
}

/** Creates `rawzone` and `gold` when missing; returns the ones it created. */
export async function ensureBuckets(config: EtlConfig): Promise<string[]> {
  const client = minioClient(config);
  const created: string[] = [];
  for (const bucket of [config.buckets.rawzone, config.buckets.gold]) {
    if (await client.bucketExists(bucket)) continue;
    await client.makeBucket(bucket, config.minio.region);
    created.push(bucket);
  }
  return created;
}
