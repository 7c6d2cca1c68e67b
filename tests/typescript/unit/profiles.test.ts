import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { parseConfig, type RawEnv } from '../../../extension/core/config';
import { EtlError } from '../../../extension/core/errors';
import { projectPaths } from '../../../extension/core/paths';
import { externalStepServices } from '../../../extension/core/profiles';
import { s3Client } from '../../../extension/core/s3/client';
import { runEtlModuleInCompose } from '../../../extension/core/stack/compose/runner';
import { resolveStackMode } from '../../../extension/core/stack/index';
import { nativeServices } from '../../../extension/core/stack/services';
import { ROOT } from '../helpers/cli';

interface Case {
  name: string;
  profile: string;
  file?: unknown;
  /** The file as typed, broken JSON included (instead of `file`). */
  fileText?: string;
  expect?: Record<string, unknown>;
  error?: string[];
  notInError?: string[];
}
const CASES = (JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/profiles/cases.json'), 'utf8')) as { cases: Case[] })
  .cases;
const example = (): RawEnv => parse(readFileSync(join(ROOT, '.env.example')));

/** A project folder holding the case's profile file, and .env values that select its profile. */
function setUp(item: Case): { values: RawEnv; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'etl-profiles-'));
  if (item.file !== undefined) writeFileSync(join(root, 'etl-profiles.json'), JSON.stringify(item.file));
  if (item.fileText !== undefined) writeFileSync(join(root, 'etl-profiles.json'), item.fileText);
  return { root, values: { ...example(), ETL_PROFILE: item.profile } };
}

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);

for (const item of CASES) {
  test(`profiles (shared case): ${item.name}`, () => {
    const { root, values } = setUp(item);
    const load = () => parseConfig(values, projectPaths(root, '/cache'), {});
    if (item.error) {
      assert.throws(load, (error: unknown) => {
        assert.ok(error instanceof EtlError, String(error));
        const text = error.describe();
        for (const part of item.error ?? []) assert.ok(text.includes(part), `"${part}" not in: ${text}`);
        for (const part of item.notInError ?? []) assert.ok(!text.includes(part), `"${part}" leaked: ${text}`);
        return true;
      });
      return;
    }
    const { profile } = load();
    for (const [path, expected] of Object.entries(item.expect ?? {})) {
      assert.deepEqual(at(profile, path), expected, path);
    }
  });
}

test('an external S3 takes its key from the variables the profile names, the environment first', () => {
  const item = CASES.find((c) => c.name.startsWith('external S3 over TLS')) as Case;
  const { root, values } = setUp(item);
  const env = { TEAM_S3_ACCESS_KEY: 'team-key', TEAM_S3_SECRET_KEY: 'from-env-secret' };
  const config = parseConfig({ ...values, TEAM_S3_SECRET_KEY: 'from-dotenv-secret' }, projectPaths(root, '/c'), env);
  assert.equal(config.minio.accessKey, 'team-key');
  assert.equal(config.minio.secretKey, 'from-env-secret');
  assert.deepEqual(config.buckets, { rawzone: 'team-raw', gold: 'gold' });
  assert.equal(config.minio.region, 'eu-west-1');
});

test('an unset secret variable is named (never its value) when S3 is used, not when the config loads', () => {
  const item = CASES.find((c) => c.name.startsWith('external S3 over TLS')) as Case;
  const { root, values } = setUp(item);
  const config = parseConfig(values, projectPaths(root, '/c'), { TEAM_S3_ACCESS_KEY: 'team-key' });
  assert.throws(() => s3Client(config), (error: unknown) =>
    error instanceof EtlError && /TEAM_S3_SECRET_KEY/.test(error.message) && /s3\.team\.example:9443/.test(error.message));
});

test('a profile with S3 or Spark elsewhere: auto mode runs the steps here, the compose runner refuses', async () => {
  const item = CASES.find((c) => c.name.startsWith('external S3 over TLS')) as Case;
  const { root, values } = setUp(item);
  const config = parseConfig(values, projectPaths(root, '/c'), { TEAM_S3_ACCESS_KEY: 'k', TEAM_S3_SECRET_KEY: 's' });
  assert.deepEqual(externalStepServices(config.profile),
    ['S3 (https://s3.team.example:9443)', 'the Spark master (spark://spark.team.example:7077)']);
  assert.equal(await resolveStackMode('auto', config), 'native');
  assert.throws(() => runEtlModuleInCompose(config, ['-m', 'etl.extract']), (error: unknown) =>
    error instanceof EtlError && /compose runner reaches only/.test(error.message) && /--mode native/.test(error.hint ?? ''));
  const local = parseConfig(example(), projectPaths(root, '/c'), {});
  assert.deepEqual(externalStepServices(local.profile), []);
});

/** A project with one profile `team` whose Elasticsearch and Airflow sections are given. */
function teamProject(elasticsearch: object, airflow: object = { mode: 'local' }): { root: string; values: RawEnv } {
  return setUp({ name: 'team', profile: 'team', file: { profiles: { team: { elasticsearch, airflow } } } });
}

test('an external Elasticsearch: its CA resolved from the project root, the credential variables, never values', () => {
  const { root, values } = teamProject(
    { mode: 'external', url: 'https://es.example.com:9200/', caFile: 'ca.pem', usernameEnv: 'U', passwordEnv: 'P' },
    { mode: 'external', url: 'https://airflow.example.com', tokenEnv: 'AIRFLOW_TOKEN' },
  );
  writeFileSync(join(root, 'ca.pem'), 'pem');
  const config = parseConfig(values, projectPaths(root, '/c'), { U: 'user', P: 'from-env' });
  assert.deepEqual(config.profile.elasticsearch, {
    mode: 'external', url: 'https://es.example.com:9200', caFile: join(root, 'ca.pem'), usernameEnv: 'U',
    passwordEnv: 'P', apiKeyEnv: undefined,
  });
  assert.deepEqual(config.profile.airflow, {
    mode: 'external', url: 'https://airflow.example.com', usernameEnv: undefined, passwordEnv: undefined,
    tokenEnv: 'AIRFLOW_TOKEN',
  });
  assert.equal(config.secretOf?.('P'), 'from-env');
  assert.ok(!JSON.stringify(config).includes('from-env'), 'a secret in the printable config');
});

test('an external Elasticsearch: a missing CA file, both an API key and a user, or half a user are refused', () => {
  const cases: [object, string][] = [
    [{ mode: 'external', url: 'https://es:9200', caFile: 'nowhere.pem' }, 'elasticsearch.caFile'],
    [{ mode: 'external', url: 'https://es:9200', apiKeyEnv: 'K', usernameEnv: 'U', passwordEnv: 'P' }, 'apiKeyEnv'],
    [{ mode: 'external', url: 'https://es:9200', usernameEnv: 'U' }, 'only one of usernameEnv and passwordEnv'],
  ];
  for (const [es, part] of cases) {
    const { root, values } = teamProject(es);
    assert.throws(() => parseConfig(values, projectPaths(root, '/c'), {}), (error: unknown) => {
      assert.ok(error instanceof EtlError && error.message.includes(part), String(error));
      return true;
    });
  }
});

test('the local Elasticsearch and Airflow with their users by default; HTTPS when .env says so', () => {
  const root = mkdtempSync(join(tmpdir(), 'etl-profiles-'));
  const secure = parseConfig(example(), projectPaths(root, '/c'), {}).profile;
  assert.deepEqual(secure.elasticsearch, {
    mode: 'local', url: 'http://127.0.0.1:9200', caFile: undefined, usernameEnv: 'ES_USERNAME', passwordEnv: 'ES_PASSWORD',
  });
  assert.deepEqual(secure.airflow, {
    mode: 'local', url: 'http://127.0.0.1:8089', usernameEnv: 'AIRFLOW_USERNAME', passwordEnv: 'AIRFLOW_PASSWORD',
  });
  const none = { ES_USERNAME: '', ES_PASSWORD: '', AIRFLOW_USERNAME: '', AIRFLOW_PASSWORD: '' };
  const open = parseConfig({ ...example(), ...none }, projectPaths(root, '/c'), {}).profile;
  assert.deepEqual(open.elasticsearch, { mode: 'local', url: 'http://127.0.0.1:9200', caFile: undefined });
  assert.deepEqual(open.airflow, { mode: 'local', url: 'http://127.0.0.1:8089' });
  const secured = parseConfig({ ...example(), ES_CERTS_DIR: 'certs' }, projectPaths(root, '/c'),
    { ES_USERNAME: 'etl', ES_PASSWORD: 'pw', AIRFLOW_USERNAME: 'etl', AIRFLOW_PASSWORD: 'pw' }).profile;
  assert.equal(secured.elasticsearch.url, 'https://127.0.0.1:9200');
  assert.equal(secured.elasticsearch.passwordEnv, 'ES_PASSWORD');
  assert.equal(secured.airflow.passwordEnv, 'AIRFLOW_PASSWORD');
  assert.throws(() => parseConfig({ ...example(), ES_USERNAME: '' }, projectPaths(root, '/c'), {}),
    /ES_PASSWORD is set but ES_USERNAME is not/);
});

test('etl up never starts (nor down stops) an external Elasticsearch or Airflow, nor a log shipper for them', () => {
  const { root, values } = teamProject({ mode: 'external', url: 'https://es.example.com:9200' },
    { mode: 'external', url: 'https://airflow.example.com' });
  const external = parseConfig(values, projectPaths(root, '/c'), {});
  const names = (config: typeof external) => nativeServices(config, ['elasticsearch', 'airflow']).map((s) => s.name);
  assert.deepEqual(names(external).filter((n) => /elasticsearch|airflow|log-shipper/.test(n)), []);
  const local = parseConfig(example(), projectPaths(root, '/c'), {});
  assert.deepEqual(names(local).filter((n) => /elasticsearch|airflow|log-shipper/.test(n)),
    ['elasticsearch', 'airflow', 'log-shipper']);
});
