import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { silentReporter } from '../../../extension/core/reporter';
import type { ServiceStatus } from '../../../extension/core/stack/backend';
import { markedProcesses } from '../../../extension/core/stack/processes';
import { sparkMasterJson } from '../../../extension/core/stack/services';
import { up } from '../../../extension/core/stack/stack';
import { CLI, ROOT, etl, processesMentioning, projectConfig } from '../helpers/cli';

const config = projectConfig();
const stackProcesses = () => processesMentioning(config.paths.state);

/** Spark masters running with our state folder's marker (a second one would sit on shifted ports). */
function sparkMasters(): number[] {
  return markedProcesses(config.paths.state).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('org.apache.spark.deploy.master.Master');
    } catch {
      return false;
    }
  });
}

describe('a race-free native stack: one lock per state folder, no unrecorded process', { timeout: 900_000 }, () => {
  after(async () => {
    await etl(['down']);
  });

  test('`up` reports each service starting, then healthy, as it happens', async () => {
    await etl(['down']);
    const seen: ServiceStatus[][] = [];
    await up(config, silentReporter, [], (services) => seen.push(services));
    const states = (name: string) => seen.map((rows) => rows.find((r) => r.name === name)?.state);
    for (const name of ['minio', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark-history']) {
      const history = states(name);
      assert.ok(history.includes('starting'), `${name} was reported starting: ${history.join(' → ')}`);
      assert.equal(history.at(-1), 'running', `${name} ends running: ${history.join(' → ')}`);
      assert.ok(history.indexOf('starting') < history.indexOf('running'), `${name}: starting before running`);
    }
    // While the workers start, the master is already reported running.
    const workerStarting = seen.find((rows) => rows.find((r) => r.name === 'spark-worker-1')?.state === 'starting');
    assert.equal(workerStarting?.find((r) => r.name === 'spark-master')?.state, 'running');
  });

  test('two `etl up` at once end with ONE healthy stack: the second waits, then finds it running', async () => {
    await etl(['down']);
    const [first, second] = await Promise.all([etl(['up']), etl(['up'])]);
    assert.equal(first.exitCode, 0, first.all);
    assert.equal(second.exitCode, 0, second.all);
    const waited = [first, second].filter((r) => /waiting for `etl up` \(pid \d+/.test(r.stderr));
    assert.equal(waited.length, 1, `one of them waited:\n${first.all}\n----\n${second.all}`);
    assert.match(waited[0].stderr, /already running/);
    assert.equal(sparkMasters().length, 1, 'exactly one Spark master');
    const master = await sparkMasterJson(config);
    assert.equal(master?.status, 'ALIVE');
    assert.equal(master?.workers?.filter((w) => w.state === 'ALIVE').length, 2);
    const status = JSON.parse((await etl(['status', '--json'])).stdout) as { services: ServiceStatus[] };
    for (const name of ['minio', 'spark-master', 'spark-worker-1', 'spark-worker-2', 'spark-history']) {
      assert.equal(status.services.find((s) => s.name === name)?.state, 'running', name);
    }
  });

  test('`etl down` stops what a crashed `etl up` left without pid files; its lock does not block', async () => {
    await etl(['down']);
    const crashing = execa('node', [CLI, 'up'], { cwd: ROOT, reject: false });
    const masterPidFile = join(config.paths.pids, 'spark-master.json');
    for (let i = 0; i < 600 && !existsSync(masterPidFile); i++) await sleep(100);
    assert.ok(existsSync(masterPidFile), 'the master was started');
    crashing.kill('SIGKILL');
    await crashing;
    assert.ok(existsSync(join(config.paths.state, 'stack.lock')), 'the killed up left its lock behind');
    // The records are lost with the crash: only the marker in /proc can find the daemons now.
    rmSync(config.paths.pids, { recursive: true, force: true });
    assert.notDeepEqual(stackProcesses(), [], 'the crashed up left processes running');
    const down = await etl(['down']);
    assert.equal(down.exitCode, 0, down.all);
    assert.match(down.stderr, /without a pid file/);
    assert.deepEqual(stackProcesses(), [], 'no process of the stack is left');
    assert.deepEqual(markedProcesses(config.paths.state), []);
    // And the next up starts cleanly on the freed ports.
    const again = await etl(['up']);
    assert.equal(again.exitCode, 0, again.all);
    assert.equal(sparkMasters().length, 1);
  });

  test('a port held by another program is a clear error naming the port and the program', async () => {
    await etl(['down']);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(config.minio.apiPort, config.bindHost, resolve));
    try {
      const result = await etl(['up']);
      assert.equal(result.exitCode, 1, result.all);
      assert.match(
        result.stderr,
        new RegExp(`port ${config.minio.apiPort} \\(MINIO_API_PORT\\).*used by node \\(pid ${process.pid}\\)`),
      );
      assert.deepEqual(stackProcesses(), [], 'a failed up leaves nothing running');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
