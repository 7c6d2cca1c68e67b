// "The team's cluster" for the profile scenario: only the MinIO of a second native stack, in its own state folder and
// ports (ETL_TEAM_PORT_BASE), serving TLS from a CA made here (tests/typescript/helpers/tls.ts, as
// tests/typescript/profiles/teamCluster.test.ts does), its buckets and the ETL's user created, one CSV object to
// preview.
// Real MinIO, no stand-in.
//   node teamMinio.js up <work>    writes <work>/team.json (endpoint, buckets, profile file), the key in key.json
//   node teamMinio.js down <work>  stops it
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig } from '../../../../extension/core/config';
import { findProjectRoot } from '../../../../extension/core/paths';
import { s3Client } from '../../../../extension/core/s3/client';
import { ensureBuckets } from '../../../../extension/core/stack/buckets';
import { ensureEtlUser } from '../../../../extension/core/stack/minioUser';
import { makeServerCertificates } from '../../helpers/tls';

const root = findProjectRoot(process.cwd());
const [, , action, work] = process.argv;
const base = Number(process.env.ETL_TEAM_PORT_BASE || 24000);
const log = (line: string) => process.stderr.write(`[team-minio] ${line}\n`);

/** The team stack's own settings (as teamCluster.test.ts's teamEnv), never the checkout's ports. */
function teamEnv(certsDir: string, secrets: { root: string; etl: string }, buckets: { rawzone: string; gold: string }) {
  return {
    ETL_STATE_DIR: join(work, 'team-state'), ETL_PROFILE: '', ETL_PROFILES_FILE: join(work, 'none.json'),
    MINIO_CERTS_DIR: certsDir, MINIO_API_PORT: String(base), MINIO_CONSOLE_PORT: String(base + 1),
    SPARK_MASTER_PORT: String(base + 77), SPARK_MASTER_UI_PORT: String(base + 80),
    SPARK_WORKER_1_UI_PORT: String(base + 81), SPARK_WORKER_2_UI_PORT: String(base + 82),
    SPARK_HISTORY_UI_PORT: String(base + 180), ES_PORT: String(base + 200), ES_TRANSPORT_PORT: String(base + 300),
    AIRFLOW_PORT: String(base + 89), KIBANA_PORT: String(base + 601),
    MINIO_ROOT_USER: 'team-admin', MINIO_ROOT_PASSWORD: secrets.root, MINIO_ACCESS_KEY: 'team-etl',
    MINIO_SECRET_KEY: secrets.etl, RAWZONE_BUCKET: buckets.rawzone, GOLD_BUCKET: buckets.gold,
  };
}

const etl = (args: string[], env: Record<string, string>) =>
  execa(process.execPath, [join(root, 'dist', 'cli.js'), ...args], {
    cwd: root, env: { ...process.env, ...env }, all: true, reject: false, timeout: 300_000,
  });

async function up(): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const buckets = { rawzone: `team-raw-${suffix}`, gold: `team-gold-${suffix}` };
  const secret = () => randomBytes(12).toString('hex');
  const secrets = { root: `team-root-${secret()}`, etl: `team-${secret()}` };
  const ca = await makeServerCertificates(join(work, 'tls'));
  const env = teamEnv(ca.certsDir, secrets, buckets);
  mkdirSync(env.ETL_STATE_DIR, { recursive: true });
  // The down step needs the same settings: kept beside the key, in the test's own folder (mode 600).
  writeFileSync(join(work, 'team-env.json'), JSON.stringify(env), { mode: 0o600 });
  const started = await etl(['start', 'minio', '--mode', 'native'], env);
  if (started.exitCode !== 0) throw new Error(`the team MinIO did not start:\n${started.all}`);
  const config = loadConfig(root, { ...process.env, ...env });
  await ensureBuckets(config);
  await ensureEtlUser(config);
  const csv = 'VendorID,trip_distance,total_amount\n1,2.5,14.30\n2,0.9,7.80\n';
  await s3Client(config).putObject(buckets.rawzone, 'team/trips.csv', Buffer.from(csv));
  const endpoint = `https://127.0.0.1:${base}`;
  const s3 = {
    mode: 'external', endpoint, caFile: ca.caFile, addressing: 'path', region: 'us-east-1', buckets,
    accessKeyEnv: 'TEAM_S3_ACCESS_KEY', secretKeyEnv: 'TEAM_S3_SECRET_KEY',
  };
  const profiles = {
    team: { description: "the team's MinIO over TLS (test)", s3 },
    // Every service elsewhere (only S3 answers): Start Stack has nothing local to start.
    'team-all': {
      description: 'every service external (test)', s3,
      spark: { mode: 'external', masterUrl: `spark://127.0.0.1:${base + 77}` },
      elasticsearch: { mode: 'external', url: `http://127.0.0.1:${base + 200}` },
      airflow: { mode: 'external', url: `http://127.0.0.1:${base + 89}` },
    },
    // Nothing listens there: the views must name the endpoint and what to check, never offer Start Stack.
    'team-offline': { description: 'an S3 that does not answer (test)', s3: { ...s3, endpoint: `https://127.0.0.1:${base + 9}` } },
  };
  const profilesFile = join(work, 'etl-profiles.json');
  writeFileSync(profilesFile, JSON.stringify({ profiles }, null, 2));
  writeFileSync(join(work, 'key.json'), JSON.stringify({ accessKey: 'team-etl', secretKey: secrets.etl }), {
    mode: 0o600,
  });
  writeFileSync(join(work, 'team.json'), JSON.stringify({ endpoint, buckets, profilesFile, object: 'team/trips.csv' }));
  log(`MinIO over TLS at ${endpoint}, buckets ${buckets.rawzone}, ${buckets.gold}`);
}

async function down(): Promise<void> {
  const settings = join(work, 'team-env.json');
  if (!existsSync(settings)) {
    log('never started: nothing to stop');
    return;
  }
  const env = JSON.parse(readFileSync(settings, 'utf8')) as Record<string, string>;
  const stopped = await etl(['down', '--mode', 'native'], env);
  if (stopped.exitCode !== 0) throw new Error(`the team MinIO did not stop:\n${stopped.all}`);
  log('stopped');
}

const usage = () => Promise.reject(new Error(`usage: up|down <work>, not ${action}`));
(action === 'up' ? up() : action === 'down' ? down() : usage())
  .catch((error: unknown) => {
    log(String(error instanceof Error ? error.stack : error));
    process.exitCode = 1;
  });
