import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainUpFailure } from '../../../extension/core/stack/compose/failures';
import { parsePs, stateOf, type ComposeService } from '../../../extension/core/stack/compose/services';

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
