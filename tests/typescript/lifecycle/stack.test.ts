import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { execa } from 'execa';
import { adminClient } from '../../../extension/core/stack/buckets';
import { sparkMasterJson } from '../../../extension/core/stack/services';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { ROOT, etl, processesMentioning, projectConfig } from '../helpers/cli';
import { testEsClient } from '../helpers/elasticsearch';

const config = projectConfig();
const runtimes = locateRuntimes(config.paths.root, config.paths.cache);

interface StatusJson {
  services: { name: string; state: string; url: string; pid: number | null }[];
}

async function statusJson(): Promise<StatusJson> {
  const result = await etl(['status', '--json']);
  assert.equal(result.exitCode, 0, result.all);
  return JSON.parse(result.stdout) as StatusJson;
}

// Every daemon of ours names the state folder on its command line (data, work or conf dir).
const stackProcesses = () => processesMentioning(config.paths.state);

describe('stack errors without services', () => {
  test('a stale pid file is detected and cleaned', async () => {
    const pidFile = join(config.paths.pids, 'spark-master.json');
    await etl(['down']);
    mkdirSync(config.paths.pids, { recursive: true });
    writeFileSync(
      pidFile,
      JSON.stringify({
        service: 'spark-master',
        pid: 999_999,
        startTicks: '1',
        command: [],
        logFile: '',
        startedAt: '',
      }),
    );
    const { services } = await statusJson();
    assert.equal(services.find((s) => s.name === 'spark-master')?.state, 'stopped');
    assert.throws(() => readFileSync(pidFile), /ENOENT/);
  });

  test('a missing runtime says to run `etl setup`', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'etl-empty-cache-'));
    const result = await etl(['up'], { ETL_CACHE_DIR: emptyCache });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /is not installed .*\n.*run `etl setup` first/);
    assert.deepEqual(stackProcesses(), []);
  });

  test('a bad value in .env is a clear error naming the key', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'etl-env-')), '.env');
    writeFileSync(
      envFile,
      readFileSync(join(ROOT, '.env.example'), 'utf8').replace('SPARK_MASTER_PORT=7077', 'SPARK_MASTER_PORT=70770'),
    );
    const result = await etl(['up'], { ETL_ENV_FILE: envFile });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /SPARK_MASTER_PORT=70770 in \.env is not a TCP port/);
  });

  test('a worker cannot start without its master', async () => {
    await etl(['down']);
    const result = await etl(['start', 'spark-worker-1']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /Spark worker 1 needs the Spark master, which is not running/);
    assert.deepEqual(stackProcesses(), []);
  });

  test('an unknown --with service is a usage error', async () => {
    const result = await etl(['up', '--with', 'kafka']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown service for --with: kafka/);
  });
});

describe(
  'native stack lifecycle (real MinIO, Spark master + 2 workers, Elasticsearch, Airflow, the dev session)',
  { timeout: 900_000 },
  () => {
    before(async () => {
      await etl(['down']);
      const result = await etl(['up', '--with', 'elasticsearch,airflow,dev']);
      assert.equal(result.exitCode, 0, `etl up failed:\n${result.all}`);
    });

    // No down at the end: the integration tests run on this stack (test.sh), and `etl down` of the whole stack is
    // tested when they are done (tests/typescript/teardown), so CI starts the full stack once.

    test('every service reports running with a pid and a loopback url', async () => {
      const { services } = await statusJson();
      for (const service of services) {
        assert.equal(service.state, 'running', `${service.name}: ${JSON.stringify(service)}`);
        assert.ok(service.pid && service.pid > 0);
        // The log shipper's page is what it feeds: the log indices' search in Elasticsearch.
        assert.match(
          service.url,
          service.name === 'log-shipper'
            ? /^http:\/\/127\.0\.0\.1:\d+\/etl-logs-\*\/_search$/
            : /^http:\/\/127\.0\.0\.1:\d+$/,
        );
      }
      const names = [
        'airflow',
        'elasticsearch',
        'log-shipper',
        'minio',
        'spark-connect',
        'spark-history',
        'spark-master',
        'spark-worker-1',
        'spark-worker-2',
      ];
      assert.deepEqual(services.map((s) => s.name).sort(), names);
    });

    test('the master sees two ALIVE workers, and no application of the dev session (local mode)', async () => {
      const master = await sparkMasterJson(config);
      assert.equal(master?.status, 'ALIVE');
      assert.equal(master?.workers?.filter((w) => w.state === 'ALIVE').length, 2);
      assert.deepEqual(master?.workers?.map((w) => w.coresused), [0, 0], 'the warm dev session holds a worker core');
    });

    test('a second `etl up` is a no-op that keeps the same processes', async () => {
      const before = (await statusJson()).services.map((s) => s.pid);
      const result = await etl(['up', '--with', 'elasticsearch,airflow']);
      assert.equal(result.exitCode, 0, result.all);
      assert.match(result.stderr, /already running/);
      assert.deepEqual(
        (await statusJson()).services.map((s) => s.pid),
        before,
      );
    });

    test('buckets exist and an object round-trips through the minio client', async () => {
      const client = adminClient(config);
      assert.ok(await client.bucketExists(config.buckets.rawzone));
      assert.ok(await client.bucketExists(config.buckets.gold));
      const key = `_tests/stack-${process.pid}.txt`;
      const body = `hello from the stack test ${Date.now()}`;
      await client.putObject(config.buckets.rawzone, key, Buffer.from(body));
      const stream = await client.getObject(config.buckets.rawzone, key);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), body);
      await client.removeObject(config.buckets.rawzone, key);
    });

    test('spark-submit runs a PySpark job whose tasks land on both workers', async () => {
      const submit = join(runtimes.sparkHome, 'bin', 'spark-submit');
      const master = `spark://${config.bindHost}:${config.spark.masterPort}`;
      const result = await execa(
        submit,
        [
          '--master',
          master,
          '--conf',
          'spark.executor.cores=1',
          '--conf',
          'spark.cores.max=2',
          '--executor-memory',
          '1g',
          join(ROOT, 'tests', 'fixtures', 'spark_probe.py'),
        ],
        {
          env: {
            ...process.env,
            SPARK_HOME: runtimes.sparkHome,
            PYSPARK_PYTHON: runtimes.python,
            SPARK_LOCAL_IP: config.bindHost,
          },
          reject: false,
          all: true,
          timeout: 300_000,
        },
      );
      assert.equal(result.exitCode, 0, result.all);
      const report = JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as {
        app_id: string;
        sum: number;
        executors: { tasks: number }[];
      };
      assert.equal(
        report.sum,
        Array.from({ length: 40 }, (_, x) => x * x).reduce((a, b) => a + b),
      );
      assert.equal(report.executors.length, 2, JSON.stringify(report));
      assert.ok(
        report.executors.every((e) => e.tasks > 0),
        `each executor ran tasks: ${JSON.stringify(report.executors)}`,
      );
      // The master's own view: the application ran with both workers' cores.
      const app = (await sparkMasterJson(config)) as { completedapps?: { id: string; cores: number; state: string }[] };
      const completed = app.completedapps?.find((a) => a.id === report.app_id);
      assert.equal(completed?.state, 'FINISHED');
      assert.equal(completed?.cores, 2);
    });

    test('Airflow answers on loopback with a healthy scheduler and the etl_pipeline DAG in its REST API', async () => {
      const airflow = `http://${config.bindHost}:${config.airflowPort}`;
      const health = (await (await fetch(`${airflow}/api/v2/monitor/health`)).json()) as Record<
        string,
        { status: string }
      >;
      assert.equal(health.metadatabase.status, 'healthy');
      assert.equal(health.scheduler.status, 'healthy');
      // Secure by default: no token without the user and password of .env (a new .env's password is generated).
      const anonymous = await fetch(`${airflow}/auth/token`);
      assert.ok(anonymous.status >= 400, `a token without credentials: HTTP ${anonymous.status}`);
      const signIn = (password: string | undefined) => fetch(`${airflow}/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: config.secretOf?.('AIRFLOW_USERNAME'), password }),
      });
      assert.equal((await signIn('not-the-password')).status, 401, 'a wrong password is refused');
      const token = await signIn(config.secretOf?.('AIRFLOW_PASSWORD'));
      assert.equal(token.status, 201, "a token for .env's user and password");
      const { access_token } = (await token.json()) as { access_token: string };
      let dagIds: string[] = [];
      for (let attempt = 0; attempt < 60 && !dagIds.includes('etl_pipeline'); attempt++) {
        const dags = (await (
          await fetch(`${airflow}/api/v2/dags`, { headers: { Authorization: `Bearer ${access_token}` } })
        ).json()) as { dags: { dag_id: string }[] };
        dagIds = dags.dags.map((d) => d.dag_id);
        if (!dagIds.includes('etl_pipeline')) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      assert.ok(dagIds.includes('etl_pipeline'), `DAGs seen: ${dagIds.join(', ')}`);
    });

    test('a document is indexed and found in Elasticsearch', async () => {
      // Secure by default: nothing without .env's user and password.
      const anonymous = await fetch(`http://${config.bindHost}:${config.elasticsearch.port}/_cluster/health`);
      assert.equal(anonymous.status, 401, 'Elasticsearch answers a visitor without credentials');
      const es = testEsClient(config);
      const index = `etl-stack-test-${process.pid}`;
      try {
        await es.index({
          index,
          document: { message: 'spark worker registered', step: 'stack-test' },
          refresh: 'wait_for',
        });
        const found = await es.search<{ message: string }>({ index, query: { match: { message: 'registered' } } });
        assert.equal(found.hits.hits.length, 1);
        assert.equal(found.hits.hits[0]._source?.message, 'spark worker registered');
      } finally {
        // A test index left unassigned would keep the cluster red for the next `etl up`.
        await es.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
        await es.close();
      }
    });

    test('one service stops and starts alone, the others keep running', async () => {
      const before = await statusJson();
      const stop = await etl(['stop', 'spark-worker-2']);
      assert.equal(stop.exitCode, 0, stop.all);
      const stopped = await statusJson();
      assert.equal(stopped.services.find((s) => s.name === 'spark-worker-2')?.state, 'stopped');
      for (const name of ['minio', 'spark-master', 'spark-worker-1']) {
        const pid = (list: StatusJson) => list.services.find((s) => s.name === name)?.pid;
        assert.equal(pid(stopped), pid(before), `${name} untouched`);
      }
      const start = await etl(['start', 'spark-worker-2']);
      assert.equal(start.exitCode, 0, start.all);
      const master = await sparkMasterJson(config);
      assert.equal(master?.workers?.filter((w) => w.state === 'ALIVE').length, 2);
    });
  },
);

