import { Client } from 'minio';
import type { EtlConfig } from '../config';

/** Access key + secret; the extension may hold its own in SecretStorage, which win over .env. */
export interface S3Credentials {
  accessKey: string;
  secretKey: string;
}

export const endpointOf = (config: EtlConfig) => `http://${config.bindHost}:${config.minio.apiPort}`;

export function s3Client(config: EtlConfig, credentials?: S3Credentials): Client {
  return new Client({
    endPoint: config.bindHost,
    port: config.minio.apiPort,
    useSSL: false,
    accessKey: credentials?.accessKey ?? config.minio.accessKey,
    secretKey: credentials?.secretKey ?? config.minio.secretKey,
    region: config.minio.region,
  });
}
