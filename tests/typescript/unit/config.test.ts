import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { loadConfig, parseConfig, type RawEnv } from '../../../extension/core/config';
import { EtlError } from '../../../extension/core/errors';
import { projectPaths } from '../../../extension/core/paths';
import { ROOT } from '../helpers/cli';

const example = (): RawEnv => parse(readFileSync(join(ROOT, '.env.example')));
const paths = projectPaths('/project', '/cache');

test('.env.example parses into the documented defaults', () => {
  const config = parseConfig(example(), paths);
  assert.equal(config.bindHost, '127.0.0.1');
  assert.equal(config.minio.apiPort, 9000);
  assert.equal(config.minio.consolePort, 9001);
  assert.equal(config.spark.masterPort, 7077);
  assert.deepEqual(config.spark.workerUiPorts, [8081, 8082]);
  assert.deepEqual(config.buckets, { rawzone: 'rawzone', gold: 'gold' });
  assert.deepEqual(config.stackWith, []);
});

const rejects = (overrides: RawEnv, mentions: RegExp) => {
  assert.throws(
    () => parseConfig({ ...example(), ...overrides }, paths),
    (error: unknown) => error instanceof EtlError && mentions.test(error.message),
  );
};

test('a port out of range names the key and the value', () =>
  rejects({ MINIO_API_PORT: '99999' }, /MINIO_API_PORT=99999.*not a TCP port/));
test('a non-numeric port is refused', () => rejects({ SPARK_MASTER_PORT: 'seven' }, /SPARK_MASTER_PORT=seven/));
test('two services on one port are refused', () =>
  rejects({ ES_PORT: '9000' }, /ES_PORT and MINIO_API_PORT in \.env are both 9000/));
test('each worker has its own UI port', () =>
  rejects(
    { SPARK_WORKER_2_UI_PORT: '8081' },
    /SPARK_WORKER_2_UI_PORT and SPARK_WORKER_1_UI_PORT in \.env are both 8081/,
  ));
test('a missing credential is refused', () => rejects({ MINIO_ROOT_USER: '' }, /MINIO_ROOT_USER is empty/));
test('a short MinIO secret is refused', () => rejects({ MINIO_ROOT_PASSWORD: 'short' }, /shorter than 8/));
test('an invalid bucket name is refused', () =>
  rejects({ GOLD_BUCKET: 'Gold_Bucket' }, /GOLD_BUCKET=Gold_Bucket.*bucket name/));
test('a memory size needs a unit', () =>
  rejects({ SPARK_WORKER_MEMORY: '4096' }, /SPARK_WORKER_MEMORY=4096 .*memory size/));
test('an unknown optional service is refused', () => rejects({ ETL_STACK_WITH: 'kafka' }, /unknown service "kafka"/));

test('optional services parse from a comma list', () => {
  assert.deepEqual(parseConfig({ ...example(), ETL_STACK_WITH: ' elasticsearch ' }, paths).stackWith, [
    'elasticsearch',
  ]);
});

test("the ETL's MinIO key must not be the root user", () =>
  rejects({ MINIO_ACCESS_KEY: 'etl-admin' }, /MINIO_ACCESS_KEY .* same as MINIO_ROOT_USER/));
test("a short secret for the ETL's key is refused", () =>
  rejects({ MINIO_SECRET_KEY: 'short' }, /MINIO_SECRET_KEY .*shorter than 8/));
test('Airflow needs a port of its own too', () =>
  rejects({ AIRFLOW_PORT: '8080' }, /AIRFLOW_PORT and SPARK_MASTER_UI_PORT in \.env are both 8080/));

test('settings given in the environment win over .env and are kept as overrides for the services', () => {
  const root = mkdtempSync(join(tmpdir(), 'etl-config-'));
  copyFileSync(join(ROOT, '.env.example'), join(root, '.env.example'));
  const config = loadConfig(root, {
    HOME: root,
    MINIO_API_PORT: '19000',
    ETL_BACKUP_DIR: '/scratch/backup',
    UNRELATED: 'x',
  });
  assert.equal(config.minio.apiPort, 19000);
  assert.deepEqual(config.overrides, { MINIO_API_PORT: '19000', ETL_BACKUP_DIR: '/scratch/backup' });
});
