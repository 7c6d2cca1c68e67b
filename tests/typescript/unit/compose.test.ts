import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../../extension/core/config';
import { composeProject } from '../../../extension/core/stack/compose/project';
import { explainUpFailure } from '../../../extension/core/stack/compose/failures';
import { parsePs, stateOf, type ComposeService } from '../../../extension/core/stack/compose/services';
import { ROOT } from '../helpers/cli';

const services: ComposeService[] = [
  { name: 'minio', title: 'MinIO', url: '', ports: [{ port: 29000, setting: 'MINIO_API_PORT' }] },
];

describe('compose status and errors (pure parts)', () => {
  test('ps JSON: one object a line (compose ≥ 2.21) or one array', () => {
    const line = '{"Name":"p-minio-1","Service":"minio","State":"running","Health":"healthy"}';
    assert.deepEqual(parsePs(`${line}\n`).map((r) => r.Service), ['minio']);
    assert.deepEqual(parsePs(`[${line}]`).map((r) => r.Name), ['p-minio-1']);
    assert.deepEqual(parsePs(''), []);
  });

  test('container state and health map to the stack states', () => {
    const row = (State: string, Health = '') => ({ Name: 'x', Service: 'x', State, Health });
    assert.equal(stateOf(row('running', 'healthy')), 'running');
    assert.equal(stateOf(row('running')), 'running');
    assert.equal(stateOf(row('running', 'starting')), 'starting');
    assert.equal(stateOf(row('running', 'unhealthy')), 'unhealthy');
    assert.equal(stateOf(row('created')), 'starting');
    assert.equal(stateOf(row('restarting')), 'unhealthy');
    assert.equal(stateOf(row('exited')), 'stopped');
    assert.equal(stateOf(undefined), 'stopped');
  });

  test('a port the engine could not bind is named with its .env key', () => {
    const error = explainUpFailure(
      [
        'Error response from daemon: driver failed programming external connectivity on endpoint p-minio-1: Bind ' +
          'for 127.0.0.1:29000 failed: port is already allocated',
      ],
      services,
    );
    assert.match(error.message, /MinIO's port 29000 \(MINIO_API_PORT\)/);
    assert.match(error.hint ?? '', /MINIO_API_PORT in \.env/);
  });

  test('a failed build shows the last lines of the build output', () => {
    const tail = [
      '#5 [runtime 2/7] RUN apt-get install nope',
      '#5 ERROR: process did not complete successfully: exit code: 100',
      'failed to solve: process "/bin/sh -c apt-get install nope" did not complete successfully: exit code: 100',
    ];
    const error = explainUpFailure(tail, services);
    assert.match(error.message, /^building the compose images failed; last lines of the build output:\n/);
    assert.match(error.message, /apt-get install nope/);
  });
});

describe('compose project environment', () => {
  /** A project whose .env predates the logins (only a port), .env.example beside it as in the checkout. */
  function olderProject(envFile: string): string {
    const root = mkdtempSync(join(tmpdir(), 'etl-compose-env-'));
    copyFileSync(join(ROOT, '.env.example'), join(root, '.env.example'));
    writeFileSync(join(root, '.env'), envFile, { mode: 0o600 });
    return root;
  }
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(ES_|AIRFLOW_)/.test(key)),
  ) as NodeJS.ProcessEnv;

  test('an .env without the logins: docker compose gets the defaults the native stack uses, not open services', () => {
    const config = loadConfig(olderProject('MINIO_API_PORT=9000\n'), clean);
    const { env } = composeProject(config);
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const defaultOf = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(example)?.[1];
    for (const key of ['ES_USERNAME', 'ES_PASSWORD', 'AIRFLOW_USERNAME', 'AIRFLOW_PASSWORD']) {
      assert.ok(defaultOf(key), `.env.example sets ${key}`);
      assert.equal(env[key], defaultOf(key), key);
    }
  });

  test("both of a pair emptied in .env: none passed, compose reads them empty (that service's security off)", () => {
    const emptied = 'ES_USERNAME=\nES_PASSWORD=\nAIRFLOW_USERNAME=a\nAIRFLOW_PASSWORD=b\n';
    const config = loadConfig(olderProject(emptied), clean);
    const { env } = composeProject(config);
    const logins = [env.ES_USERNAME, env.ES_PASSWORD, env.AIRFLOW_USERNAME, env.AIRFLOW_PASSWORD];
    assert.deepEqual(logins, [undefined, undefined, 'a', 'b']);
  });
});
