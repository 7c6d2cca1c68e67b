import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { etl, processesMentioning, projectConfig } from '../helpers/cli';

// The last native step of `npm test` (scripts/test.sh): `etl down` of the whole stack the lifecycle suite started
// and every native suite ran on (Elasticsearch, Airflow, the dev session too), so CI starts that stack once.
const config = projectConfig();
const stackProcesses = () => processesMentioning(config.paths.state);

interface StatusJson {
  services: { name: string; state: string; url: string }[];
}

async function status(): Promise<StatusJson['services']> {
  const result = await etl(['status', '--json']);
  assert.equal(result.exitCode, 0, result.all);
  return (JSON.parse(result.stdout) as StatusJson).services;
}

/** Binds the port on the stack's host and lets it go: an error names a port something still holds. */
function bindable(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(port, config.bindHost, () => server.close(() => resolve()));
  });
}

test('`etl down` stops every process of the whole stack and frees every port', { timeout: 180_000 }, async () => {
  const before = await status();
  for (const name of ['minio', 'spark-master', 'elasticsearch', 'airflow', 'spark-connect'])
    assert.equal(before.find((s) => s.name === name)?.state, 'running', `${name} runs before the down (whole stack)`);
  assert.notDeepEqual(stackProcesses(), []);
  const result = await etl(['down']);
  assert.equal(result.exitCode, 0, result.all);
  assert.deepEqual(stackProcesses(), [], 'no process of the stack is left');
  for (const service of await status()) assert.equal(service.state, 'stopped', `${service.name} after down`);
  const ports = before.map((s) => Number(new URL(s.url).port)).filter((port) => port > 0);
  assert.ok(ports.length >= before.length - 1, `a port per service: ${JSON.stringify(before.map((s) => s.url))}`);
  for (const port of ports) await bindable(port);
});
