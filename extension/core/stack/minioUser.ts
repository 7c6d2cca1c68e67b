import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import { MINIO_POLICY_FILE } from '../contract';
import { EtlError } from '../errors';
import { locateRuntimes, requireRuntime } from '../runtimes';
import { runTool } from '../run';

/** The MinIO policy (and its name) that limits the ETL's key to its two buckets. */
export const ETL_POLICY_NAME = 'etl-pipeline';

/** The one policy file, shared with the compose minio-init: placeholders for the bucket names. */
export const ETL_POLICY_FILE = MINIO_POLICY_FILE;

/**
 * The policy text for these buckets: objects in rawzone and gold (and their scratch
 * siblings `rawzone-*` / `gold-*`, the tests' throw-away buckets) may be listed, read,
 * written and deleted; nothing else: no bucket policy, no bucket creation or deletion.
 */
export function etlPolicyText(template: string, buckets: EtlConfig['buckets']): string {
  const text = template.replaceAll('${RAWZONE_BUCKET}', buckets.rawzone).replaceAll('${GOLD_BUCKET}', buckets.gold);
  const left = /\$\{[A-Z_]+\}/.exec(text);
  if (left)
    throw new EtlError(
      `${ETL_POLICY_FILE} has a placeholder this code does not fill: ${left[0]}`,
      'use ${RAWZONE_BUCKET} or ${GOLD_BUCKET}',
    );
  JSON.parse(text); // a broken file fails here, not inside mc
  return text;
}

export function etlPolicy(root: string, buckets: EtlConfig['buckets']): object {
  return JSON.parse(etlPolicyText(readFileSync(join(root, ETL_POLICY_FILE), 'utf8'), buckets)) as object;
}

/**
 * Creates (or updates) the ETL's MinIO user from MINIO_ACCESS_KEY/MINIO_SECRET_KEY
 * with the bucket-limited policy, through `mc admin` as root: MinIO's admin API
 * has no JavaScript client. Idempotent, so `etl up` runs it every time; `policy create`
 * replaces a policy of the same name, so an existing user gets the current file's policy.
 */
export async function ensureEtlUser(config: EtlConfig): Promise<void> {
  const mc = requireRuntime(locateRuntimes(config.paths.root, config.paths.cache).mc, 'MinIO client mc');
  const dir = join(config.paths.state, 'mc');
  mkdirSync(dir, { recursive: true });
  const policyFile = join(dir, `${ETL_POLICY_NAME}.json`);
  writeFileSync(policyFile, JSON.stringify(etlPolicy(config.paths.root, config.buckets), null, 2));
  const { rootUser, rootPassword, accessKey, secretKey } = config.minio;
  const { secure, caFile, host, port } = config.profile.s3;
  // mc trusts the CAs in <config-dir>/certs/CAs (a local MinIO with MINIO_CERTS_DIR).
  if (caFile) mkdirSync(join(dir, 'certs', 'CAs'), { recursive: true });
  if (caFile) copyFileSync(caFile, join(dir, 'certs', 'CAs', 'ca.crt'));
  // Credentials travel in the environment and on stdin, never in the argument list.
  const scheme = secure ? 'https' : 'http';
  const admin = `${scheme}://${encodeURIComponent(rootUser)}:${encodeURIComponent(rootPassword)}@${host}:${port}`;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, MC_HOST_etl: admin };
  const mcRun = (args: string[], purpose: string, input?: string) =>
    runTool(mc, ['--config-dir', dir, '--no-color', ...args], { env, purpose, input });
  await mcRun(
    ['admin', 'policy', 'create', 'etl', ETL_POLICY_NAME, policyFile],
    'creating the MinIO policy for the ETL',
  );
  await mcRun(
    ['admin', 'user', 'add', 'etl', accessKey],
    `creating the MinIO user ${accessKey} (MINIO_ACCESS_KEY)`,
    `${secretKey}\n`,
  );
  await mcRun(['admin', 'policy', 'attach', 'etl', ETL_POLICY_NAME, '--user', accessKey], 'attaching the ETL policy');
}
