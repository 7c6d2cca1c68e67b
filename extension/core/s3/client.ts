import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { Client } from 'minio';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import type { ResolvedS3 } from '../profiles';

/** Access key + secret; the extension may hold its own in SecretStorage, which win over .env. */
export interface S3Credentials {
  accessKey: string;
  secretKey: string;
}

/**
 * Where S3 is: the external profile's endpoint, or the local MinIO from the config's own bind host and port
 * (so a config derived with another port, or host, is honoured as before profiles).
 */
function s3Target(config: EtlConfig): ResolvedS3 {
  const s3 = config.profile.s3;
  if (s3.mode === 'external') return s3;
  const { bindHost: host, minio } = config;
  const endpoint = `${s3.secure ? 'https' : 'http'}://${host}:${minio.apiPort}`;
  return { ...s3, host, port: minio.apiPort, region: minio.region, endpoint };
}

/** The S3 endpoint of the active profile (scheme://host:port): `local` is MinIO on ETL_BIND_HOST. */
export const endpointOf = (config: EtlConfig) => s3Target(config).endpoint;

/** The profile's S3 (TLS with its CA bundle, path-style or virtual-host addressing) with the ETL's key. */
export function s3Client(config: EtlConfig, credentials?: S3Credentials): Client {
  const s3 = s3Target(config);
  if (!credentials && config.profileProblem) {
    throw new EtlError(config.profileProblem, 'export the variable(s) the profile names (or put them in .env)');
  }
  return new Client({
    endPoint: s3.host,
    port: s3.port,
    useSSL: s3.secure,
    pathStyle: s3.pathStyle,
    accessKey: credentials?.accessKey ?? config.minio.accessKey,
    secretKey: credentials?.secretKey ?? config.minio.secretKey,
    region: s3.region,
    ...(s3.secure && s3.caFile ? { transportAgent: new Agent({ keepAlive: true, ca: readCa(s3.caFile) }) } : {}),
  });
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new EtlError(`cannot read the CA file ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
      'fix s3.caFile in the profile (a PEM file this user can read)');
  }
}
