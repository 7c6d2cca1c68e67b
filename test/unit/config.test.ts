import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { parseConfig, type RawEnv } from '../../extension/core/config';
import { EtlError } from '../../extension/core/errors';
import { projectPaths } from '../../extension/core/paths';
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

test('a port out of range names the key and the value', () => rejects({ MINIO_API_PORT: '99999' }, /MINIO_API_PORT=99999.*not a TCP port/));
test('a non-numeric port is refused', () => rejects({ SPARK_MASTER_PORT: 'seven' }, /SPARK_MASTER_PORT=seven/));
test('two services on one port are refused', () => rejects({ ES_PORT: '9000' }, /ES_PORT and MINIO_API_PORT in \.env are both 9000/));
test('each worker has its own UI port', () => rejects({ SPARK_WORKER_2_UI_PORT: '8081' }, /SPARK_WORKER_2_UI_PORT and SPARK_WORKER_1_UI_PORT in \.env are both 8081/));
test('a missing credential is refused', () => rejects({ MINIO_ROOT_USER: '' }, /MINIO_ROOT_USER is empty/));
test('a short MinIO secret is refused', () => rejects({ MINIO_ROOT_PASSWORD: 'short' }, /shorter than 8/));
test('an invalid bucket name is refused', () => rejects({ GOLD_BUCKET: 'Gold_Bucket' }, /GOLD_BUCKET=Gold_Bucket.*bucket name/));
test('a memory size needs a unit', () => rejects({ SPARK_WORKER_MEMORY: '4096' }, /SPARK_WORKER_MEMORY=4096 .*memory size/));
test('an unknown optional service is refused', () => rejects({ ETL_STACK_WITH: 'kafka' }, /unknown service "kafka"/));

test('optional services parse from a comma list', () => {
  assert.deepEqual(parseConfig({ ...example(), ETL_STACK_WITH: ' elasticsearch ' }, paths).stackWith, ['elasticsearch']);
});
