import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { etl } from '../helpers/cli';
import { makeOtherCa, makeServerCertificates } from '../helpers/tls';

/*
 * "The team's cluster": a second native stack in its own state folder and ports, its MinIO serving TLS
 * from a certificate made here (a CA the profile names), its Spark master with two workers. This
 * checkout then runs extract -> transform -> gold through a profile that places S3 and Spark there,
 * with a state folder of its own in which nothing may start. Real services, no stand-ins.
 */
const base = Number(process.env.ETL_TEAM_PORT_BASE || 24000);
const work = mkdtempSync(join(tmpdir(), 'etl-team-'));
const teamState = process.env.ETL_TEAM_STATE_DIR || join(work, 'team-state');
const clientState = join(work, 'client-state');
const suffix = randomBytes(3).toString('hex');
const secret = `team-secret-${randomBytes(12).toString('hex')}`;
const rootSecret = `team-root-${randomBytes(12).toString('hex')}`;
const buckets = { rawzone: `team-raw-${suffix}`, gold: `team-gold-${suffix}` };
const s3Url = `https://127.0.0.1:${base}`;
const masterUrl = `spark://127.0.0.1:${base + 77}`;
const masterUi = `http://127.0.0.1:${base + 80}`;

/** The team stack's own settings: what its `etl up` and `etl down` get. */
function teamEnv(certsDir: string): Record<string, string> {
  return {
    ETL_STATE_DIR: teamState, ETL_PROFILE: '', MINIO_CERTS_DIR: certsDir,
    MINIO_API_PORT: String(base), MINIO_CONSOLE_PORT: String(base + 1),
    SPARK_MASTER_PORT: String(base + 77), SPARK_MASTER_UI_PORT: String(base + 80),
    SPARK_WORKER_1_UI_PORT: String(base + 81), SPARK_WORKER_2_UI_PORT: String(base + 82),
    SPARK_HISTORY_UI_PORT: String(base + 180), ES_PORT: String(base + 200), ES_TRANSPORT_PORT: String(base + 300),
    AIRFLOW_PORT: String(base + 89), KIBANA_PORT: String(base + 601),
    SPARK_WORKER_MEMORY: '1g', SPARK_EXECUTOR_MEMORY: '1g', SPARK_DRIVER_MEMORY: '1g',
    MINIO_ROOT_USER: 'team-admin', MINIO_ROOT_PASSWORD: rootSecret, MINIO_ACCESS_KEY: 'team-etl',
    MINIO_SECRET_KEY: secret, RAWZONE_BUCKET: buckets.rawzone, GOLD_BUCKET: buckets.gold,
  };
}

/** This checkout's settings: the profile, the key in the variables it names, a state folder of its own. */
function clientEnv(profile: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ETL_STATE_DIR: clientState, ETL_PROFILE: profile, ETL_PROFILES_FILE: join(work, 'etl-profiles.json'),
    TEAM_S3_ACCESS_KEY: 'team-etl', TEAM_S3_SECRET_KEY: secret, SPARK_DRIVER_MEMORY: '1g',
    SPARK_EXECUTOR_MEMORY: '1g', ETL_BACKUP_DIR: join(work, 'backup'), ETL_LOG_DIR: join(work, 'logs'), ...overrides,
  };
}

function writeProfiles(caFile: string, otherCa: string): void {
  const s3 = {
    mode: 'external', endpoint: s3Url, caFile, addressing: 'path', region: 'us-east-1', buckets,
    accessKeyEnv: 'TEAM_S3_ACCESS_KEY', secretKeyEnv: 'TEAM_S3_SECRET_KEY',
  };
  const spark = { mode: 'external', masterUrl, uiUrl: masterUi, driverHost: '127.0.0.1' };
  const profiles = {
    team: { description: 'the team cluster (test)', s3, spark },
    'team-wrong-ca': { s3: { ...s3, caFile: otherCa }, spark },
    'team-no-ca': { s3: { ...s3, caFile: undefined }, spark },
    // The driver tells the workers an address they cannot reach (TEST-NET-1, never routed); it binds locally.
    'team-bad-driver': { s3, spark: { ...spark, driverHost: '192.0.2.1', driverBindAddress: '127.0.0.1' } },
    // An admin key sees every bucket: a missing one is "does not exist", not the ETL key's AccessDenied.
    'team-missing-bucket': {
      s3: { ...s3, buckets: { rawzone: `team-missing-${suffix}` }, accessKeyEnv: 'TEAM_ADMIN_KEY',
        secretKeyEnv: 'TEAM_ADMIN_SECRET' },
      spark,
    },
  };
  writeFileSync(join(work, 'etl-profiles.json'), JSON.stringify({ profiles }, null, 2));
}

const noSecret = (text: string | undefined) =>
  assert.ok(![secret, rootSecret].some((s) => (text ?? '').includes(s)), 'a secret was printed');

describe('a team cluster through a profile: S3 over TLS with a custom CA, an external Spark master', {
  timeout: 1_800_000,
}, () => {
  let team: Record<string, string>;

  before(async () => {
    const ca = await makeServerCertificates(join(work, 'tls'));
    writeProfiles(ca.caFile, await makeOtherCa(join(work, 'other-ca')));
    mkdirSync(clientState, { recursive: true });
    team = teamEnv(ca.certsDir);
    const up = await etl(['up', '--mode', 'native'], team, 600_000);
    assert.equal(up.exitCode, 0, `the team stack did not start:\n${up.all}`);
    noSecret(up.all);
  });

  after(async () => {
    const down = await etl(['down', '--mode', 'native'], team ?? { ETL_STATE_DIR: teamState }, 300_000);
    assert.equal(down.exitCode, 0, down.all);
  });

  test('etl profile show: the resolved endpoints, the secret only as set', async () => {
    const show = await etl(['profile', 'show'], clientEnv('team'));
    assert.equal(show.exitCode, 0, show.all);
    assert.match(show.stdout, new RegExp(`s3 +external +${s3Url.replaceAll('.', '\\.')} +path-style`));
    assert.match(show.stdout, /TLS on, CA .*ca\.crt/);
    assert.match(show.stdout, new RegExp(`spark +external +${masterUrl}`));
    assert.match(show.stdout, /secret TEAM_S3_SECRET_KEY: set/);
    noSecret(show.all);
  });

  test('extract -> transform on the two team workers -> gold, through the profile; nothing starts here', async () => {
    const started = Date.now();
    const runId = `team-${suffix}`;
    const result = await etl(['pipeline', '--month', '2024-01', '--sample', '--run-id', runId], clientEnv('team'),
      1_200_000);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.exitCode, 0, result.all);
    noSecret(result.all);
    process.stdout.write(`# pipeline through the TLS profile (team cluster): ${seconds.toFixed(1)} s\n`);
    assert.match(result.stdout, new RegExp(`^extract run ${runId}: 2 file\\(s\\)`, 'm'));
    assert.match(result.stdout, /^rows kept\s+19,600\s+19,600$/m);

    // Gold is there, read back by the TypeScript S3 client through the profile (TLS, the CA).
    const query = await etl(['query', 'SELECT count(*) AS n FROM fact_trips', '--json'], clientEnv('team'));
    assert.equal(query.exitCode, 0, query.all);
    assert.deepEqual(JSON.parse(query.stdout).rows, [['19600']]);

    // The job ran on the team's master, its two workers alive.
    const master = (await (await fetch(`${masterUi}/json/`)).json()) as {
      aliveworkers: number; completedapps: { name: string }[];
    };
    assert.equal(master.aliveworkers, 2);
    const apps = master.completedapps;
    assert.ok(apps.some((app) => app.name.startsWith('etl-transform')), JSON.stringify(apps));

    // Nothing was started for this checkout: no pid file in its state folder, no service running.
    const pids = join(clientState, 'pids');
    assert.deepEqual(existsSync(pids) ? readdirSync(pids) : [], []);
    const status = await etl(['status', '--json', '--mode', 'native'], clientEnv('team'));
    assert.equal(status.exitCode, 0, status.all);
    const parsed = JSON.parse(status.stdout) as {
      services: { name: string; state: string }[]; external: { service: string; ok: boolean; detail: string }[];
    };
    const rows = parsed.services;
    assert.ok(rows.every((row) => row.state === 'stopped'), status.stdout);
    // The local MinIO and Spark cluster are the profile's, not rows here; the dev session (local mode) stays local.
    const cluster = (name: string) => name === 'minio' || (name.startsWith('spark') && name !== 'spark-connect');
    assert.ok(!rows.some((row) => cluster(row.name)), status.stdout);
    // ... and the external ones are checked: S3 reachable, authenticated, buckets there; the master's two workers.
    const external = Object.fromEntries(parsed.external.map((row) => [row.service, row]));
    assert.ok(external.s3?.ok && /authenticated, buckets team-raw-\w+, team-gold-\w+ present/.test(external.s3.detail),
      status.stdout);
    assert.ok(external.spark?.ok && /ALIVE, 2 worker\(s\) alive/.test(external.spark.detail), status.stdout);
    noSecret(status.all);
  });

  test('a driver the workers cannot reach: said within the bound, the setting to change; gold untouched', async () => {
    const started = Date.now();
    const env = clientEnv('team-bad-driver', { ETL_EXECUTOR_WAIT_SECONDS: '15' });
    const result = await etl(['transform', '--force'], env, 300_000);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /no executor connected back to the driver at 192\.0\.2\.1:\d+ in 1\d s/);
    assert.match(result.all ?? '', /has 2 live worker\(s\)/);
    assert.match(result.all ?? '', /Set "driverHost" of profile team-bad-driver \(now 192\.0\.2\.1\)/);
    assert.ok(seconds < 90, `took ${seconds} s`);
    noSecret(result.all);
    const query = await etl(['query', 'SELECT count(*) AS n FROM fact_trips', '--json'], clientEnv('team'));
    assert.deepEqual(JSON.parse(query.stdout).rows, [['19600']], query.all);
  });

  test('a CA that did not sign the server certificate: named service, endpoint and what to do', async () => {
    const result = await etl(['extract', '--months', '2024-01', '--sample'], clientEnv('team-wrong-ca'), 300_000);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /S3 \(profile team-wrong-ca\) at https:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted/);
    assert.match(result.all ?? '', /set s3\.caFile in the profile/);
    noSecret(result.all);
  });

  test('no CA in the profile (the system CAs): the self-made certificate is not trusted, said so', async () => {
    const result = await etl(['extract', '--months', '2024-01', '--sample'], clientEnv('team-no-ca'), 300_000);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /S3 \(profile team-no-ca\) at https:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted/);
    assert.match(result.all ?? '', /no CA file is set/);
  });

  test('the TypeScript client with the wrong CA: the same kind of message', async () => {
    const result = await etl(['query', 'SELECT 1 FROM fact_trips'], clientEnv('team-wrong-ca'), 120_000);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /S3 at https:\/\/127\.0\.0\.1:\d+: TLS certificate not trusted/);
    noSecret(result.all);
    const status = await etl(['status', '--mode', 'native'], clientEnv('team-wrong-ca'));
    assert.equal(status.exitCode, 0, status.all);
    assert.match(status.stdout, /✗ S3 \(profile team-wrong-ca\) +external +https:\/\/127\.0\.0\.1:\d+\n +S3 at .*TLS certificate not trusted/);
  });

  test('wrong credentials: the service, the endpoint and the variables to fix, never the secret', async () => {
    const wrong = 'wrong-secret-value-123456';
    const result = await etl(['extract', '--months', '2024-01', '--sample'],
      clientEnv('team', { TEAM_S3_SECRET_KEY: wrong }), 300_000);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /S3 \(profile team\) at https:\/\/127\.0\.0\.1:\d+ refused access to bucket/);
    assert.match(result.all ?? '', /s3\.secretKeyEnv/);
    assert.ok(!(result.all ?? '').includes(wrong));
  });

  test('a bucket missing on the team S3: named, and never created', async () => {
    const admin = { TEAM_ADMIN_KEY: 'team-admin', TEAM_ADMIN_SECRET: rootSecret };
    const result = await etl(['extract', '--months', '2024-01', '--sample'], clientEnv('team-missing-bucket', admin),
      300_000);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /bucket 'team-missing-\w+' does not exist at S3 \(profile team-missing-bucket\)/);
    assert.match(result.all ?? '', /fix s3\.buckets in the profile/);
    assert.ok(!(result.all ?? '').includes(rootSecret));
  });
});
