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

test('`etl down` stops every process of the whole stack and frees every port', { timeout: 480_000 }, async (t) => {
  // The suites stop and start services (the VS Code user scenario's Stop/Start Stack leaves Airflow off): what is
  // off starts again, so the down is of every service.
  const up = await etl(['up', '--with', 'elasticsearch,airflow,dev'], {}, 300_000);
  assert.equal(up.exitCode, 0, up.all);
  const before = await status();
  const running = before.filter((s) => s.state === 'running').map((s) => s.name);
  t.diagnostic(`running before the down: ${running.join(', ')}`);
  assert.deepEqual(running, before.map((s) => s.name), 'every service runs before the down');
  assert.notDeepEqual(stackProcesses(), []);
  const result = await etl(['down']);
  assert.equal(result.exitCode, 0, result.all);
  assert.deepEqual(stackProcesses(), [], 'no process of the stack is left');
  for (const service of await status()) assert.equal(service.state, 'stopped', `${service.name} after down`);
  const ports = before.map((s) => Number(new URL(s.url).port)).filter((port) => port > 0);
  assert.ok(ports.length >= before.length - 1, `a port per service: ${JSON.stringify(before.map((s) => s.url))}`);
  for (const port of ports) await bindable(port);
});
