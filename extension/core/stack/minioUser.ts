import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import { locateRuntimes, requireRuntime } from '../runtimes';
import { runTool } from '../run';

/** The MinIO policy (and its name) that limits the ETL's key to its two buckets. */
export const ETL_POLICY_NAME = 'etl-pipeline';

/**
 * Everything in rawzone and gold, and in their scratch siblings `rawzone-*` / `gold-*`
 * (the tests' throw-away buckets); no other bucket, no administration.
 */
export function etlPolicy(buckets: EtlConfig['buckets']): object {
  const names = [buckets.rawzone, `${buckets.rawzone}-*`, buckets.gold, `${buckets.gold}-*`];
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:*'], Resource: names.flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]) }],
  };
}

/**
 * Creates (or updates) the ETL's MinIO user from MINIO_ACCESS_KEY/MINIO_SECRET_KEY
 * with the bucket-limited policy, through `mc admin` as root: MinIO's admin API
 * has no JavaScript client. Idempotent, so `etl up` runs it every time.
 */
export async function ensureEtlUser(config: EtlConfig): Promise<void> {
  const mc = requireRuntime(locateRuntimes(config.paths.root, config.paths.cache).mc, 'MinIO client mc');
  const dir = join(config.paths.state, 'mc');
  mkdirSync(dir, { recursive: true });
  const policyFile = join(dir, `${ETL_POLICY_NAME}.json`);
  writeFileSync(policyFile, JSON.stringify(etlPolicy(config.buckets), null, 2));
  const { rootUser, rootPassword, accessKey, secretKey, apiPort } = config.minio;
  // Credentials travel in the environment and on stdin, never in the argument list.
  const admin = `http://${encodeURIComponent(rootUser)}:${encodeURIComponent(rootPassword)}@${config.bindHost}:${apiPort}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MC_HOST_etl: admin };
  const mcRun = (args: string[], purpose: string, input?: string) =>
    runTool(mc, ['--config-dir', dir, '--no-color', ...args], { env, purpose, input });
  await mcRun(['admin', 'policy', 'create', 'etl', ETL_POLICY_NAME, policyFile], 'creating the MinIO policy for the ETL');
  await mcRun(['admin', 'user', 'add', 'etl', accessKey], `creating the MinIO user ${accessKey} (MINIO_ACCESS_KEY)`, `${secretKey}\n`);
  await mcRun(['admin', 'policy', 'attach', 'etl', ETL_POLICY_NAME, '--user', accessKey], 'attaching the ETL policy');
}
