import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { loadConfig } from '../../../extension/core/config';
import { isUnchanged } from '../../../extension/core/diff/model';
import { GOLD_TABLE_SPECS } from '../../../extension/core/diff/tables';
import type { PreviewDiff } from '../../../extension/core/preview/compare';
import { adminClient } from '../../../extension/core/stack/buckets';
import { composePreviewDir } from '../../../extension/core/stack/compose/project';
import { sparkMasterJson } from '../../../extension/core/stack/services';
import { ROOT, etl } from '../helpers/cli';
import { dockerObjects, useComposeTestEnv } from '../helpers/compose';
import { testEsClient } from '../helpers/elasticsearch';
import { faultCells } from '../helpers/faultCells';
import { noLossStep, removeSteps, runNoLossScenario } from '../helpers/noLoss';
import { composeNoLossStack } from '../helpers/noLossCompose';

// Before the config is read: this file's own ports and project (a ports file wins).
const { project } = useComposeTestEnv();
const config = loadConfig(ROOT);
const compose = (args: string[], env: Record<string, string> = {}, timeoutMs = 1_800_000) =>
  etl([...args, '--mode', 'compose'], env, timeoutMs);
const uid = process.getuid?.() ?? 0;
/** The compose cells of the fault matrix (docs/reliability.md): one container of the stack killed or stopped. */
const cellTest = faultCells('compose', 'tests/typescript/compose/stack.test.ts');

interface StatusJson {
  mode: string;
  services: { name: string; state: string; container?: string; url: string }[];
}

async function statusJson(): Promise<StatusJson> {
  const result = await compose(['status', '--json']);
  assert.equal(result.exitCode, 0, result.all);
  return JSON.parse(result.stdout) as StatusJson;
}

/** Keys (with their modification time) in the gold bucket under `prefix`. */
async function goldObjects(prefix: string): Promise<{ name: string; lastModified: Date }[]> {
  const found: { name: string; lastModified: Date }[] = [];
  for await (const item of adminClient(config).listObjectsV2(config.buckets.gold, prefix, true)) {
    if (item.name) found.push({ name: item.name, lastModified: item.lastModified });
  }
  return found;
}

/** Every gold table's Delta log objects (name and time): a preview adds or rewrites none. */
async function deltaLogKeys(): Promise<{ name: string; lastModified: Date }[]> {
  const logs = (await goldObjects('')).filter((o) => o.name.includes('/_delta_log/'));
  return logs.sort((a, b) => a.name.localeCompare(b.name));
}

/** Each gold table's Delta version, from its commit files (`_delta_log/<version>.json`). */
function deltaVersions(keys: string[]): Record<string, number> {
  return Object.fromEntries(
    GOLD_TABLE_SPECS.map((spec) => {
      const commits = keys.filter((key) => new RegExp(`^${spec.table}/_delta_log/\\d{20}\\.json$`).test(key));
      return [spec.table, commits.length - 1];
    }),
  );
}

function assertOwnedByCaller(dir: string): void {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.'));
  assert.ok(files.length > 0, `${dir} has files`);
  for (const file of files)
    assert.equal(statSync(join(dir, file)).uid, uid, `${join(dir, file)} is the caller's (uid ${uid})`);
}

const containerOf = async (service: string) => (await statusJson()).services.find((s) => s.name === service)?.container;

describe(`compose stack on the real Docker engine (project ${project})`, { timeout: 3_600_000 }, () => {
  let extractRunId = '';

  before(async () => {
    await compose(['down', '--volumes']);
    const started = Date.now();
    // With the dev session (profile dev): its warm-up runs while the other services start.
    const up = await compose(['up', '--with', 'dev']);
    assert.equal(up.exitCode, 0, `etl up --mode compose --with dev failed:\n${up.all}`);
    process.stderr.write(`# etl up --mode compose --with dev: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  after(async () => {
    await compose(['down', '--volumes']);
  });

  test('`etl status --mode compose`: one healthy row per container, with its name', async () => {
    const status = await statusJson();
    assert.equal(status.mode, 'compose');
    assert.deepEqual(
      status.services.map((s) => s.name),
      [
        'minio',
        'spark-master',
        'spark-worker-1',
        'spark-worker-2',
        'spark-history',
        'spark-connect',
        'elasticsearch',
        'airflow',
        'log-shipper',
      ],
    );
    for (const service of status.services) {
      assert.equal(service.state, 'running', JSON.stringify(service));
      assert.equal(service.container, `${project}-${service.name}-1`);
    }
    const master = await sparkMasterJson(config);
    assert.equal(master?.workers?.filter((w) => w.state === 'ALIVE').length, 2);
  });

  test('a second `etl up --mode compose` is quick and changes nothing', async () => {
    const before = (await statusJson()).services.map((s) => s.container);
    const started = Date.now();
    const again = await compose(['up']);
    assert.equal(again.exitCode, 0, again.all);
    process.stderr.write(`# etl up --mode compose (warm, running): ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    assert.deepEqual((await statusJson()).services.map((s) => s.container), before);
  });

  test("extract the sample through the compose runner: rawzone filled, manifest and logs are the " +
    "caller's", async () => {
    const result = await compose(['extract', '--months', '2024-01..2024-02', '--sample']);
    assert.equal(result.exitCode, 0, result.all);
    extractRunId = /^run (\S+):/m.exec(result.stdout)?.[1] ?? '';
    assert.ok(extractRunId, result.all);
    const keys: string[] = [];
    for await (const item of adminClient(config).listObjectsV2(config.buckets.rawzone, '', true))
      if (item.name) keys.push(item.name);
    assert.ok(keys.some((k) => k.includes('2024-01')) && keys.some((k) => k.includes('2024-02')), keys.join(', '));
    assertOwnedByCaller(join(ROOT, 'Backup_data'));
    assertOwnedByCaller(join(ROOT, 'ETL_logs'));
  });

  // One transform serves both: it runs on the two worker containers, one of which is killed mid-job (a lost machine).
  cellTest({ component: 'compose: Spark worker container', faults: ['SIGKILL'], phase: 'write' },
    'transform runs on the two worker containers and publishes gold; a worker container killed mid-job costs ' +
    'a retry, not the run', async () => {
    const started = new Date(Date.now() - 1000);
    const runId = `compose-test-${Date.now()}`;
    const victim = await containerOf('spark-worker-2');
    assert.ok(victim);
    // --force: a real run even when an earlier test transformed the same inputs (else skipped as unchanged).
    const transform = compose(['transform', '--run', extractRunId, '--run-id', runId, '--force']);
    let ended = false;
    void transform.then(() => (ended = true));
    // Each worker offers one core: the application running with 2 cores has an executor in both containers.
    let onBoth = false;
    for (let i = 0; i < 480 && !onBoth && !ended; i++) {
      const apps = ((await sparkMasterJson(config)) as { activeapps?: { state: string; cores: number }[] } | undefined)
        ?.activeapps ?? [];
      onBoth = apps.some((a) => a.state === 'RUNNING' && a.cores === 2);
      if (!onBoth) await sleep(250);
    }
    assert.ok(onBoth, 'the transform application ran with an executor in each worker container');
    const killed = await execa('docker', ['kill', victim], { reject: false });
    assert.equal(killed.exitCode, 0, killed.stderr);
    const result = await transform;
    assert.equal(result.exitCode, 0, `the job did not survive the lost worker:\n${result.all}`);
    const fresh = (await goldObjects('fact_trips/')).filter((o) => o.lastModified >= started);
    assert.ok(fresh.length > 0, 'fact_trips written by this run');
    assert.ok((await goldObjects(`_quality/${runId}`)).length === 1, 'the quality report of this run');
    assertOwnedByCaller(join(ROOT, 'ETL_logs'));
    const start = await compose(['start', 'spark-worker-2']);
    assert.equal(start.exitCode, 0, start.all);
    assert.equal((await statusJson()).services.find((s) => s.name === 'spark-worker-2')?.state, 'running');
  });

  test('the dev session in compose (started by `up --with dev`): healthy, a preview of the sample runs through it ' +
    'and diffs with gold, which keeps every Delta version; stopped, its container no longer runs', async () => {
    const row = (await statusJson()).services.find((s) => s.name === 'spark-connect');
    assert.deepEqual(
      [row?.state, row?.container, row?.url],
      ['running', `${project}-spark-connect-1`, `http://${config.bindHost}:${config.spark.connectUiPort}`],
    );
    const health = await execa('docker', ['inspect', '--format', '{{.State.Health.Status}}', row!.container!]);
    assert.equal(health.stdout.trim(), 'healthy');
    // Its runner's socket is in the compose project's own preview folder, never the native session's.
    const folder = composePreviewDir(config);
    assert.ok(statSync(join(folder, '.worker.sock')).isSocket(), `no socket in ${folder}`);

    const goldBefore = await deltaLogKeys();
    const started = Date.now();
    const result = await compose(['preview', '--sample', '--json']);
    assert.equal(result.exitCode, 0, result.all);
    const diff = JSON.parse(result.stdout) as PreviewDiff;
    process.stderr.write(
      `# etl preview --mode compose --sample: ${((Date.now() - started) / 1000).toFixed(1)} s ` +
        `(${diff.preview.seconds} s in the session)\n`,
    );
    assert.match(diff.preview.described, /^the bundled sample \(run \S+\)$/);
    assert.deepEqual(diff.preview.months, ['2024-01', '2024-02']);
    assert.deepEqual(diff.tables.map((t) => t.table).sort(), GOLD_TABLE_SPECS.map((s) => s.table).sort());
    // Every row of the sample is kept or rejected once (which way is up to the working tree's rules, which may be
    // edited meanwhile); the dimensions come from the zone table and the codes alone.
    const rowsAfter = (table: string) => diff.tables.find((t) => t.table === table)?.rowsAfter;
    assert.equal((rowsAfter('fact_trips') ?? 0) + (rowsAfter('quarantine/rejected_trips') ?? 0), 40_000);
    for (const table of diff.tables.filter((t) => t.table.startsWith('dim_')))
      assert.ok(isUnchanged(table), `${table.table} changed: ${JSON.stringify(table)}`);
    // The session wrote the tables into the mounted folder as the caller, where this process read them.
    assert.equal(dirname(diff.preview.dir), folder);
    assertOwnedByCaller(join(diff.preview.dir, 'fact_trips'));
    // Nothing committed: every table's Delta log is as it was, and the diff read its current version.
    const goldAfter = await deltaLogKeys();
    assert.deepEqual(goldAfter, goldBefore, 'a preview wrote to a Delta log of gold');
    assert.deepEqual(diff.goldVersions, deltaVersions(goldAfter.map((o) => o.name)));

    const stop = await compose(['stop', 'spark-connect']);
    assert.equal(stop.exitCode, 0, stop.all);
    assert.equal((await statusJson()).services.find((s) => s.name === 'spark-connect')?.state, 'stopped');
    const running = await execa('docker', ['ps', '--filter', `name=^${row!.container}$`, '--format', '{{.Names}}']);
    assert.equal(running.stdout.trim(), '', 'the spark-connect container still runs');
  });

  test('`etl trigger` runs etl_pipeline in the compose Airflow; gold holds the month', async () => {
    const started = new Date(Date.now() - 1000);
    const result = await etl(['trigger', '--month', '2024-02', '--sample', '--timeout', '1200'], {}, 1_500_000);
    assert.equal(result.exitCode, 0, result.all);
    assert.match(result.stdout, /: success$/m);
    const fresh = (await goldObjects('fact_trips/')).filter((o) => o.lastModified >= started);
    assert.ok(fresh.length > 0, 'the DAG\'s transform wrote fact_trips');
    assertOwnedByCaller(join(ROOT, 'Backup_data'));
    // `etl trigger` signed in as .env's user: the compose Airflow hands no token to a visitor without it.
    assert.ok(config.secretOf?.('AIRFLOW_PASSWORD'), 'the project\'s .env sets the Airflow password');
    const anonymous = await fetch(`http://${config.bindHost}:${config.airflowPort}/auth/token`);
    assert.ok(anonymous.status >= 400, `a token without credentials: HTTP ${anonymous.status}`);
  });

  const shipperCell = 'compose: log-shipper container, Elasticsearch stopped';
  // The `stop` point is `docker stop` (SIGTERM) then `docker start`: both columns.
  cellTest({ component: shipperCell, faults: ['SIGKILL', 'SIGTERM', 'stop-then-start'], phase: 'ship' },
    'no log line lost, and one service stops and starts alone: the log-shipper container SIGKILLed and stopped ' +
    'at random points while Elasticsearch is stopped (`etl stop|start elasticsearch`), files rotated: every line in ' +
    'the secured Elasticsearch exactly once', async () => {
    // Security on (helpers/compose.ts sets ES_USERNAME/ES_PASSWORD): nothing without the login.
    const anonymous = await fetch(`http://${config.bindHost}:${config.elasticsearch.port}/_cat/indices`);
    assert.equal(anonymous.status, 401, 'the compose Elasticsearch answers a visitor without the login');
    const es = testEsClient(config, 20_000);
    const shipper = composeNoLossStack(config, project, es);
    const stateOf = async (name: string) => (await statusJson()).services.find((s) => s.name === name)?.state;
    const stack = {
      ...shipper,
      async stopElasticsearch() {
        await shipper.stopElasticsearch();
        assert.deepEqual([await stateOf('elasticsearch'), await stateOf('minio')], ['stopped', 'running']);
      },
      async startElasticsearch() {
        await shipper.startElasticsearch();
        assert.equal(await stateOf('elasticsearch'), 'running');
      },
    };
    try {
      // One scenario, with the outage, at 30 lines a second so the kills (~5 s each: a container start) fall
      // while the logger writes; fewer lines than natively (the compose step's time counts). The `stop` point is
      // a SIGTERM during the outage: the entrypoint's rewind marker brings back the batch rsyslog drops.
      const kinds = ['lines', 'rotation', 'queue', 'stop'] as const;
      await runNoLossScenario(stack, 'compose', [...kinds], true, {
        seed: Number(process.env.NOLOSS_SEED ?? 20261205),
        lines: Number(process.env.NOLOSS_COMPOSE_LINES ?? 600),
        linesPerSecond: 30,
      });
    } finally {
      removeSteps(shipper.logDir, [noLossStep('compose')]);
      if ((await es.cluster.health().catch(() => undefined)) === undefined) await shipper.startElasticsearch();
      await es.close();
    }
  });

  test('`etl down --mode compose --volumes` leaves no container, network or volume of the project', async () => {
    const down = await compose(['down', '--volumes']);
    assert.equal(down.exitCode, 0, down.all);
    assert.deepEqual(await dockerObjects('ps', project), []);
    assert.deepEqual(await dockerObjects('network', project), []);
    assert.deepEqual(await dockerObjects('volume', project), []);
  });
});

describe('a bad compose state is a clear error', { timeout: 600_000 }, () => {
  test('engine down: names the address and the way out', async () => {
    const result = await compose(['up'], { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    assert.equal(result.exitCode, 1, result.all);
    assert.match(
      result.stderr,
      /the Docker engine does not answer at tcp:\/\/127\.0\.0\.1:1\n.*start it.*--mode native/,
    );
    const status = await compose(['status'], { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    assert.equal(status.exitCode, 1);
    assert.match(status.stderr, /does not answer at tcp:\/\/127\.0\.0\.1:1/);
  });

  test('a port taken: names the port and its .env key, starts nothing', async () => {
    await compose(['down']);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(config.spark.masterUiPort, config.bindHost, resolve));
    try {
      const result = await compose(['up']);
      assert.equal(result.exitCode, 1, result.all);
      assert.match(
        result.stderr,
        new RegExp(
          `port ${config.spark.masterUiPort} \\(SPARK_MASTER_UI_PORT\\).*already used by node \\(pid ${process.pid}\\)`,
        ),
      );
      assert.deepEqual(await dockerObjects('ps', project), []);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('an image that fails to build: the last lines of the build output', async () => {
    const result = await compose(['up'], { ETL_DEBIAN_BASE: 'etl-spark/no-such-base:broken' });
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.stderr, /building the compose images failed; last lines of the build output:\n/);
    assert.match(result.stderr, /no-such-base/);
    assert.deepEqual(await dockerObjects('ps', project), [], 'a failed up leaves no container');
  });
});
