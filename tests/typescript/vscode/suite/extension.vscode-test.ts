import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { listAllKeys } from '../../../../extension/core/s3/listing';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import {
  BucketNode,
  PrefixNode,
  type BucketItem,
  type ObjectNode,
  type S3ErrorNode,
} from '../../../../extension/vscode/buckets/nodes';
import type { PathNode, RunNode } from '../../../../extension/vscode/backup/nodes';
import type { ServiceNode } from '../../../../extension/vscode/stack/serviceNode';
import { shippedLogDir } from '../../../../extension/core/stack/logShipper';

// Classes of the suite's bundle are not the extension's: compare by kind/contextValue, never instanceof.

// Inside the real extension host: the real VS Code API, the real MinIO/ES of the environment's stack.
let api: EtlExtensionApi;
const serviceNode = (nodes: vscode.TreeItem[], name: string) =>
  nodes.find((n): n is ServiceNode => (n as ServiceNode).service?.name === name);
const extensionManifest = () => vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark')?.packageJSON;
const labels = (items: vscode.TreeItem[]) =>
  items.map((i) => String(typeof i.label === 'object' ? i.label.label : i.label));
const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
};

describe('ETL Spark extension in a real VS Code', () => {
  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension, 'the extension is installed');
    api = (await extension.activate()) as EtlExtensionApi;
  });

  it('runs in a real VS Code extension host', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(vscode.env.appHost === 'desktop' || vscode.env.uiKind === vscode.UIKind.Web, true);
    // activate() itself only registers things: no I/O before a view is shown.
    assert.ok(api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
    console.log(`activate() took ${api.activationMs.toFixed(1)} ms in VS Code ${vscode.version}`);
  });

  it('moved the old etl.* user setting to etlSpark.* once, at activation', () => {
    // Once per user, before the registration activate() times: the settings files are written.
    assert.ok(api.migrationMs > 0 && api.migrationMs < 10_000, `the migration took ${api.migrationMs} ms`);
    console.log(`settings migration took ${api.migrationMs.toFixed(1)} ms`);
    const moved = vscode.workspace.getConfiguration('etlSpark').inspect('logs.elasticsearchIndex');
    assert.equal(moved?.globalValue, 'etl-logs-*');
    assert.equal(vscode.workspace.getConfiguration('etl').inspect('logs.elasticsearchIndex')?.globalValue, undefined);
  });

  it('registers every palette command with a stable id', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      'etlSpark.startStack',
      'etlSpark.stopStack',
      'etlSpark.extract',
      'etlSpark.transform',
      'etlSpark.runPipeline',
      'etlSpark.triggerDag',
      'etlSpark.showLogs',
      'etlSpark.searchLogs',
      'etlSpark.refresh',
      'etlSpark.openMinioConsole',
      'etlSpark.openSparkUi',
      'etlSpark.openKibana',
      'etlSpark.openAirflow',
      'etlSpark.setCredentials',
    ]) {
      assert.ok(all.includes(id), id);
    }
  });

  it('Stack view: each service of the native stack (etl.stack.mode) with its state, from stack.status()', async () => {
    const stack = await api.services.stack();
    assert.equal(stack.mode, 'native');
    const nodes = await api.stack.getChildren();
    const minio = serviceNode(nodes, 'minio');
    assert.equal(minio?.service.state, 'running');
    assert.match(String(minio?.description), /^running · pid \d+/);
    assert.equal(minio?.contextValue, 'etlSpark.service.running');
    // The rows are the stack's services, each once; Kibana runs with the compose stack only.
    assert.deepEqual(nodes.map((n) => (n as ServiceNode).service?.name), (await stack.status()).map((s) => s.name));
    assert.ok(!labels(nodes).includes('Kibana'), labels(nodes).join(','));
  });

  it('Start Stack: the view shows a service starting, then running; Extract run right after waits for it, then ' +
    'succeeds', async () => {
    // Stop two services through their rows' inline Stop, so Start Stack has something to start.
    for (const name of ['minio', 'spark-worker-2'])
      await vscode.commands.executeCommand(
        'etlSpark.stack.stopService', serviceNode(await api.stack.getChildren(), name));
    const stopped = await api.stack.getChildren();
    assert.equal(serviceNode(stopped, 'minio')?.service.state, 'stopped');
    assert.equal(serviceNode(stopped, 'spark-worker-2')?.contextValue, 'etlSpark.service.stopped');
    const seen: Record<string, string[]> = { minio: [], 'spark-worker-2': [] };
    const record = async () => {
      for (const node of await api.stack.getChildren()) {
        const service = (node as ServiceNode).service;
        const states = service && seen[service.name];
        if (states && states.at(-1) !== service.state) states.push(service.state);
      }
    };
    // One reading at a time, in the order the view changed.
    let readings = Promise.resolve();
    const sub = api.stack.onDidChangeTreeData(() => (readings = readings.then(record)));
    try {
      const started = Promise.resolve(vscode.commands.executeCommand('etlSpark.startStack'));
      assert.ok(await until(() => api.services.stackStarting), 'Start Stack is running');
      api.services.lastError = undefined;
      const extracted = Promise.resolve(
        vscode.commands.executeCommand('etlSpark.extract', { months: '2024-01', source: { sample: true } }),
      );
      assert.ok(
        await until(() => api.services.runningStep?.includes('extract') === true),
        'Extract is running (waiting)',
      );
      // A second Extract meanwhile is refused with what to do; the first one goes on.
      assert.equal(
        await vscode.commands.executeCommand('etlSpark.extract', { months: '2024-01', source: { sample: true } }),
        undefined,
      );
      assert.match(
        api.services.lastError ?? '',
        /extract cannot start: extract is still running\n\s*→ run extract again when extract ends, or cancel extract from its notification/,
      );
      assert.equal(api.services.stackStarting, true, 'the stack is still starting while Extract waits');
      assert.equal(await started, true, `Start Stack failed: ${api.services.lastError}`);
      const result = (await extracted) as { files: number } | undefined;
      assert.ok(result, `Extract after Start Stack failed: ${api.services.lastError}`);
      assert.equal(result.files, 2);
      await (readings = readings.then(record));
    } finally {
      sub.dispose();
    }
    assert.deepEqual(seen['spark-worker-2'], ['stopped', 'starting', 'running'], JSON.stringify(seen));
    assert.equal(seen.minio.at(-1), 'running', JSON.stringify(seen));
    assert.equal(seen.minio[0], 'stopped', JSON.stringify(seen));
  });

  it('Buckets view: rawzone and gold; a large prefix page by page with Load more, and a prefix filter', async () => {
    const roots = await api.buckets.getChildren();
    assert.deepEqual(labels(roots), ['rawzone', 'gold']);
    const { client } = await api.buckets.client();
    const prefix = `vscode-test-${randomBytes(3).toString('hex')}/`;
    const keys = Array.from({ length: 1050 }, (_, i) => `${prefix}o-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50)
      await Promise.all(keys.slice(i, i + 50).map((k) => client.putObject('rawzone', k, Buffer.from('x'))));
    try {
      const folder = new PrefixNode('rawzone', prefix);
      let children: BucketItem[] = await api.buckets.getChildren(folder);
      assert.equal(children.length, 501);
      const more = children.at(-1);
      assert.equal(more?.kind, 'more');
      await vscode.commands.executeCommand('etlSpark.buckets.loadMore', more);
      children = await api.buckets.getChildren(folder);
      assert.equal(children.length, 1001);
      assert.equal(children[999].kind, 'object');
      await vscode.commands.executeCommand('etlSpark.buckets.filter', folder, 'o-104');
      children = await api.buckets.getChildren(folder);
      assert.deepEqual(labels(children), Array.from({ length: 10 }, (_, i) => `o-104${i}`));
      assert.match(String(children[0].description), /^1 B · \d{4}-\d\d-\d\d \d\d:\d\d$/);
    } finally {
      for (let i = 0; i < keys.length; i += 1000) await client.removeObjects('rawzone', keys.slice(i, i + 1000));
    }
  });

  it('Extract from a command: the run appears under Backup paths and its objects under rawzone', async () => {
    const result = (await vscode.commands.executeCommand('etlSpark.extract', {
      months: '2024-01',
      source: { sample: true },
    })) as { runId: string; files: number } | undefined;
    assert.ok(result, 'extract returned a result');
    assert.equal(result.files, 2);
    const runs = await api.backup.getChildren();
    const run = runs.find((r): r is RunNode => 'run' in r && (r as RunNode).run.runId === result.runId);
    assert.ok(run, 'the run is listed');
    // Labelled for people (when, what, outcome); the run id and the stack whose store it went to, described.
    assert.match(String(run.label), /^today \d\d:\d\d · Extract 2024-01 · 2 file\(s\), /);
    assert.equal(run.description, `${result.runId} · native`);
    const top = await api.buckets.getChildren(new BucketNode('rawzone'));
    assert.ok(labels(top).includes('yellow_tripdata/'), labels(top).join(','));
    assert.ok(!labels(top).includes('_etl/'), 'the store marker is not for browsing');
  });

  it('previews a Parquet object through the read-only etl-spark-s3 file system', async () => {
    const uri = vscode.Uri.from({
      scheme: 'etl-spark-s3',
      path: '/rawzone/yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet',
    });
    const document = await vscode.workspace.openTextDocument(uri);
    assert.match(document.getText(), /^# Parquet: 20000 rows/);
    assert.match(document.getText(), /tpep_pickup_datetime: INT64/);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(uri, new Uint8Array([1]))));
  });

  it('Buckets: Preview, Copy s3a:// Path and Download… of an object, a prefix and a bucket', async () => {
    const monthPrefix = new PrefixNode('rawzone', 'yellow_tripdata/year=2024/month=01/');
    const object = (await api.buckets.getChildren(monthPrefix)).find((n): n is ObjectNode => n.kind === 'object');
    assert.ok(object, 'an object under the month prefix');
    const editor = (await vscode.commands.executeCommand('etlSpark.buckets.preview', object)) as
      | vscode.TextEditor
      | undefined;
    assert.match(editor?.document.getText() ?? '', /^# Parquet: 20000 rows/);
    for (const [node, path] of [
      [object, `s3a://rawzone/${object.key}`],
      [monthPrefix, 's3a://rawzone/yellow_tripdata/year=2024/month=01/'],
      [new BucketNode('gold'), 's3a://gold/'],
    ] as const) {
      assert.equal(await vscode.commands.executeCommand('etlSpark.buckets.copyPath', node), path);
      assert.equal(await vscode.env.clipboard.readText(), path);
    }
    const { client } = await api.buckets.client();
    const stat = await client.statObject('rawzone', object.key);
    const target = mkdtempSync(join(tmpdir(), 'etl-download-'));
    const one = (await vscode.commands.executeCommand('etlSpark.buckets.download', object, target)) as string[];
    assert.deepEqual(one, [join(target, basename(object.key))]);
    assert.equal(statSync(one[0]).size, stat.size);
    // A prefix keeps its layout below the prefix; every object under it arrives with its size.
    const all = (await vscode.commands.executeCommand(
      'etlSpark.buckets.download',
      new PrefixNode('rawzone', 'yellow_tripdata/'),
      target,
    )) as string[];
    assert.ok(all.includes(join(target, 'year=2024', 'month=01', basename(object.key))), all.join(', '));
    for (const file of all) assert.ok(statSync(file).size > 0, file);
  });

  it('Backup paths: Reveal and Preview opens the object of a manifest path', async () => {
    const runs = (await api.backup.getChildren()).filter((n): n is RunNode => (n as RunNode).kind === 'run');
    assert.ok(runs.length > 0, 'a run is listed');
    const paths = (await api.backup.getChildren(runs[0])).filter((n): n is PathNode => (n as PathNode).kind === 'path');
    const trips = paths.find((p) => p.file.key.endsWith('.parquet'));
    assert.ok(trips, `a trip file among ${paths.map((p) => p.file.key).join(', ')}`);
    const editor =
      (await vscode.commands.executeCommand('etlSpark.backup.reveal', trips)) as vscode.TextEditor | undefined;
    assert.equal(editor?.document.uri.scheme, 'etl-spark-s3');
    assert.equal(editor?.document.uri.path, `/${trips.file.bucket}/${trips.file.key}`);
    assert.match(editor?.document.getText() ?? '', /^# Parquet: \d+ rows/);
  });

  it('Stack rows: inline Stop, then Start, of one service', async () => {
    const row = async () => serviceNode(await api.stack.getChildren(), 'spark-worker-2');
    await vscode.commands.executeCommand('etlSpark.stack.stopService', await row());
    assert.equal((await row())?.service.state, 'stopped');
    assert.equal((await row())?.contextValue, 'etlSpark.service.stopped');
    api.services.lastError = undefined;
    await vscode.commands.executeCommand('etlSpark.stack.startService', await row());
    assert.equal(api.services.lastError, undefined);
    assert.equal((await row())?.service.state, 'running');
    assert.match(String((await row())?.description), /^running · pid \d+/);
  });

  it('Refresh and Show Stack Status re-read the views', async () => {
    const refreshes = async (run: () => Thenable<unknown>) => {
      let changed = false;
      const sub = api.stack.onDidChangeTreeData(() => (changed = true));
      try {
        await run();
        return await until(() => changed);
      } finally {
        sub.dispose();
      }
    };
    assert.ok(await refreshes(() => vscode.commands.executeCommand('etlSpark.refresh')), 'Refresh');
    assert.ok(await refreshes(() => vscode.commands.executeCommand('etlSpark.showStatus')), 'Show Stack Status');
  });

  it('Open UI: a row, MinIO Console, Spark UI and Airflow open their page in the browser; Kibana is ' +
    'compose-only', async () => {
    const opened = process.env.ETL_VSCODE_OPENED;
    assert.ok(opened, 'the driver records the pages the browser opens (ETL_VSCODE_OPENED)');
    // The ports the extension itself reads (.env, then the environment's overrides).
    const config = api.services.project();
    const seen = () => (existsSync(opened) ? readFileSync(opened, 'utf8') : '');
    const opens = async (run: () => Thenable<unknown>, port: number) => {
      api.services.lastError = undefined;
      await run();
      assert.equal(api.services.lastError, undefined);
      // code-server opens localhost ports directly or through its /proxy/<port>/ path.
      assert.ok(
        await until(() => new RegExp(`(:|/proxy/)${port}\\b`).test(seen()), 30_000),
        `port ${port}: opened ${seen()}`,
      );
    };
    const worker = serviceNode(await api.stack.getChildren(), 'spark-worker-1');
    await opens(() => vscode.commands.executeCommand('etlSpark.stack.openUi', worker), config.spark.workerUiPorts[0]);
    await opens(() => vscode.commands.executeCommand('etlSpark.openMinioConsole'), config.minio.consolePort);
    await opens(() => vscode.commands.executeCommand('etlSpark.openSparkUi'), config.spark.masterUiPort);
    await opens(() => vscode.commands.executeCommand('etlSpark.openAirflow'), config.airflowPort);
    // Kibana runs with the compose stack only: a warning that offers the setting (it waits for an answer: closing
    // the notifications answers none), and nothing opens.
    const before = readFileSync(opened, 'utf8');
    let answered = false;
    const kibana = Promise.resolve(vscode.commands.executeCommand('etlSpark.openKibana')).then(() => (answered = true));
    const closeNotifications = async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      return answered;
    };
    for (const end = Date.now() + 60_000; !(await closeNotifications()) && Date.now() < end; ) {
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(answered, 'the Kibana warning was shown and closed');
    await kibana;
    assert.equal(api.services.lastError, undefined);
    assert.equal(readFileSync(opened, 'utf8'), before);
  });

  it('ETL Logs streams new lines of ETL_logs/*.log with step and level', async () => {
    await vscode.commands.executeCommand('etlSpark.showLogs');
    const before = api.logs.lines;
    const dir = process.env.ETL_LOG_DIR ?? join(api.services.project().paths.etlLogs);
    mkdirSync(dir, { recursive: true });
    const seen: string[] = [];
    const sub = api.logs.onAppended((records) => seen.push(...records.map((r) => `${r.step}/${r.level}/${r.message}`)));
    const etl = { step: 'extract', run_id: 'suite' };
    const at = new Date().toISOString();
    const record = { '@timestamp': at, 'log.level': 'warning', message: 'from the vscode suite', etl };
    appendFileSync(join(dir, 'extract.log'), `${JSON.stringify(record)}\n`);
    assert.ok(await until(() => seen.includes('extract/warning/from the vscode suite')), `seen: ${seen.join(' | ')}`);
    sub.dispose();
    assert.ok(api.logs.lines > before);
  });

  it('Search Logs: a line shipped by the native log shipper is found in Elasticsearch; its origin opens the ' +
    'code', async function () {
    this.timeout(90_000);
    const runId = `suite-search-${randomBytes(4).toString('hex')}`;
    const line = {
      '@timestamp': new Date().toISOString(),
      'log.level': 'error',
      message: 'suite search marker',
      etl: { step: 'extract', run_id: runId },
      labels: { run_id: runId },
      log: { origin: { file: { name: 'logger.py', line: 3 } } },
    };
    appendFileSync(join(shippedLogDir(api.services.project()), 'extract.log'), `${JSON.stringify(line)}\n`);
    let document: vscode.TextDocument | undefined;
    // The shipper indexes within seconds; Elasticsearch makes it searchable at its next refresh.
    for (let tries = 0; tries < 40 && !document?.getText().includes('suite search marker'); tries += 1) {
      document = (await vscode.commands.executeCommand('etlSpark.searchLogs', `run:${runId} level:error marker`)) as
        | vscode.TextDocument
        | undefined;
      if (!document?.getText().includes('suite search marker')) await new Promise((r) => setTimeout(r, 2000));
    }
    assert.ok(document, api.services.lastError);
    assert.match(document.getText(), /from Elasticsearch \(etl-logs-\*\)/);
    assert.match(document.getText(), /\[extract\] ERROR suite-search-\w+ suite search marker \(logger\.py:3\)/);
    assert.equal(document.languageId, 'etl-logs');
    assert.equal(document.uri.scheme, 'etl-spark-logs-search');
    const links = (await vscode.commands.executeCommand(
      'vscode.executeLinkProvider',
      document.uri,
      10,
    )) as vscode.DocumentLink[];
    const target = links.find((l) => l.target)?.target;
    assert.ok(target?.path.endsWith('/src/etl/logger.py'), JSON.stringify(links.map((l) => l.target?.toString())));
    assert.equal(target?.fragment, 'L3');
  });

  it('Search Logs falls back to the files when Elasticsearch does not answer, and says so', async () => {
    const dir = process.env.ETL_LOG_DIR ?? api.services.project().paths.etlLogs;
    mkdirSync(dir, { recursive: true });
    const runId = `suite-files-${randomBytes(4).toString('hex')}`;
    const line = {
      '@timestamp': new Date().toISOString(),
      'log.level': 'warning',
      message: 'files fallback marker',
      etl: { step: 'extract', run_id: runId },
    };
    appendFileSync(join(dir, 'extract.log'), `${JSON.stringify(line)}\n`);
    const port = process.env.ES_PORT;
    process.env.ES_PORT = '1';
    try {
      const document = (await vscode.commands.executeCommand('etlSpark.searchLogs', `run:${runId}`)) as
        | vscode.TextDocument
        | undefined;
      assert.ok(document, api.services.lastError);
      assert.match(document.getText(), /1 line\(s\) from the log files/);
      assert.match(document.getText(), /Elasticsearch at http:\/\/127\.0\.0\.1:1 does not answer/);
      assert.match(document.getText(), /WARNING suite-files-\w+ files fallback marker/);
    } finally {
      if (port === undefined) delete process.env.ES_PORT;
      else process.env.ES_PORT = port;
    }
  });

  it('Transform of an unknown extraction run fails with a clear message, no exception', async () => {
    api.services.lastError = undefined;
    assert.equal(await vscode.commands.executeCommand('etlSpark.transform', { run: 'no-such-run-h3' }), false);
    assert.match(api.services.lastError ?? '', /etl transform: error: run 'no-such-run-h3' is not in the manifest/);
  });

  it('Trigger DAG: etl_pipeline runs in the real Airflow and the command follows its tasks to the ' +
    'end', async function () {
    // The run spark-submits the transform: over 3 min on a loaded 2-core machine (seen: 3 min 22 s).
    this.timeout(600_000);
    const result = (await vscode.commands.executeCommand(
      'etlSpark.triggerDag', { month: '2024-01', source: 'sample' })) as
      | { state: string; url: string; tasks: { task_id: string; state: string }[] }
      | undefined;
    assert.ok(result, `no result: ${api.services.lastError}`);
    assert.equal(result.state, 'success');
    assert.deepEqual(result.tasks.map((t) => `${t.task_id} ${t.state}`).sort(), [
      'choose_month success',
      'clean_and_transform success',
      'extract success',
    ]);
    assert.match(result.url, /\/dags\/etl_pipeline\/runs\//);
  });

  // After Trigger DAG (its transform of 2024-01 is then not the latest): the sample months' transform publishes, and
  // the Gold suite's transform of the same input is skipped as unchanged (the path `--skip-unchanged` takes).
  it('Run Pipeline: with the stack up, extracts the sample months, then transforms that run into gold',
    async function () {
    // Extract, then spark-submit on the two workers: minutes on a loaded 2-core machine (seen: 9 min 53 s).
    this.timeout(1_500_000);
    const runIds = async () =>
      (await api.backup.getChildren())
        .filter((n): n is RunNode => (n as RunNode).kind === 'run')
        .map((n) => n.run.runId);
    const before = new Set(await runIds());
    const started = Date.now();
    api.services.lastError = undefined;
    const finished = await vscode.commands.executeCommand('etlSpark.runPipeline');
    assert.equal(finished, true, `Run Pipeline failed: ${api.services.lastError}`);
    assert.equal((await runIds()).filter((id) => !before.has(id)).length, 1, 'one new extraction run');
    // The transform committed a new version of the fact table's Delta log.
    const { client } = await api.buckets.client();
    const log = await listAllKeys(client, 'gold', 'fact_trips/_delta_log/');
    assert.ok(
      log.some((e) => e.key.endsWith('.json') && e.lastModified.getTime() >= started - 5_000),
      'a new fact_trips commit',
    );
  });

  it('offers etlSpark tasks, each reading its faults with the $etlSpark problem matcher', async () => {
    const tasks = await vscode.tasks.fetchTasks({ type: 'etlSpark' });
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['extract', 'pipeline', 'startStack', 'stopStack', 'transform']);
    for (const task of tasks) assert.deepEqual(task.problemMatchers, ['$etlSpark'], task.name);
  });

  it('failure: wrong credentials give an empty view with the credentials problem, no exception', async () => {
    await vscode.commands.executeCommand(
      'etlSpark.setCredentials', { accessKey: 'nobody', secretKey: 'wrong-secret-123' });
    try {
      const roots = await api.buckets.getChildren();
      assert.deepEqual(roots, []);
      assert.equal(api.buckets.problem?.kind, 'credentials');
      assert.match(api.buckets.problem?.error.describe() ?? '', /refused the credentials/);
    } finally {
      await vscode.commands.executeCommand('etlSpark.setCredentials', null);
    }
    assert.deepEqual(labels(await api.buckets.getChildren()), ['rawzone', 'gold']);
  });

  it('failure: stored credentials reach Extract too, so wrong ones stop it with the reason', async () => {
    await vscode.commands.executeCommand(
      'etlSpark.setCredentials', { accessKey: 'nobody', secretKey: 'wrong-secret-123' });
    api.services.lastError = undefined;
    try {
      const result = await vscode.commands.executeCommand('etlSpark.extract', {
        months: '2024-01',
        source: { sample: true },
      });
      assert.equal(result, undefined);
      assert.match(
        api.services.lastError ?? '',
        /refused access to bucket 'rawzone' \((AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch)\)/,
      );
    } finally {
      await vscode.commands.executeCommand('etlSpark.setCredentials', null);
    }
  });

  it('Buckets and Gold tables with the stack down: no error row but the "Start Stack" welcome ' +
    '(etlSpark.s3.problem, etlSpark.gold.wait = stackDown)', async () => {
    // A project state folder where nothing runs, and a MinIO port nothing listens on: a stack that is down.
    const saved = { ETL_STATE_DIR: process.env.ETL_STATE_DIR, MINIO_API_PORT: process.env.MINIO_API_PORT };
    process.env.ETL_STATE_DIR = mkdtempSync(join(tmpdir(), 'etl-down-'));
    process.env.MINIO_API_PORT = '1';
    try {
      assert.ok((await (await api.services.stack()).status()).every((s) => s.state === 'stopped'));
      assert.deepEqual(await api.buckets.getChildren(), []);
      assert.equal(api.buckets.problem?.kind, 'stackDown');
      const welcome = (
        extensionManifest().contributes.viewsWelcome as { view: string; contents: string; when: string }[]
      ).find((w) => w.when.includes('etlSpark.s3.problem == stackDown'));
      assert.match(welcome?.contents ?? '', /\[Start Stack\]\(command:etlSpark\.startStack\)/);
      assert.deepEqual(await api.gold.tree.getChildren(), []);
      assert.equal(api.gold.tree.wait, 'stackDown');
      const goldWelcome = (
        extensionManifest().contributes.viewsWelcome as { view: string; contents: string; when: string }[]
      ).find((w) => w.view === 'etlSpark.gold' && w.when.includes('etlSpark.gold.wait == stackDown'));
      assert.match(goldWelcome?.contents ?? '', /\[Start Stack\]\(command:etlSpark\.startStack\)/);
      // Runs: the manifest's runs still show; the transforms' absence is explained with Start Stack, not an S3 error.
      const problem = (await api.runs.getChildren()).find((n) => String(n.id).startsWith('runs:problem:'));
      assert.equal(problem?.label, 'The stack is down');
      assert.equal(api.runs.wait, 'stackDown');
      assert.equal(problem?.command?.command, 'etlSpark.startStack');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    assert.deepEqual(labels(await api.buckets.getChildren()), ['rawzone', 'gold']);
    assert.equal(api.buckets.problem, undefined);
    await api.gold.tree.getChildren();
    assert.equal(api.gold.tree.wait, undefined, 'with MinIO back, Gold reads the bucket again');
  });

  it('failure: MinIO not answering while the stack says it runs shows an error node with Retry and the ' +
    'endpoint', async () => {
    const port = process.env.MINIO_API_PORT;
    process.env.MINIO_API_PORT = '1';
    let roots: BucketItem[];
    try {
      roots = await api.buckets.getChildren();
      assert.equal(roots.length, 1);
      assert.equal((roots[0] as S3ErrorNode).kind, 'error');
      assert.match(labels(roots)[0], /^cannot reach MinIO at http:\/\/127\.0\.0\.1:1 /);
      assert.equal(roots[0].command?.command, 'etlSpark.buckets.retry');
      assert.equal(api.buckets.problem?.kind, 'unreachable');
    } finally {
      if (port === undefined) delete process.env.MINIO_API_PORT;
      else process.env.MINIO_API_PORT = port;
    }
    // Retry on the error row lists again: MinIO answers on its port now.
    let changed = false;
    const sub = api.buckets.onDidChangeTreeData(() => (changed = true));
    try {
      await vscode.commands.executeCommand('etlSpark.buckets.retry', roots[0]);
      assert.ok(await until(() => changed), 'Retry refreshed the Buckets view');
    } finally {
      sub.dispose();
    }
    assert.deepEqual(labels(await api.buckets.getChildren()), ['rawzone', 'gold']);
  });

  it('failure: Elasticsearch down falls back to the files with a warning', async () => {
    const config = vscode.workspace.getConfiguration('etlSpark.logs');
    const port = process.env.ES_PORT;
    await config.update('source', 'elasticsearch', vscode.ConfigurationTarget.Global);
    process.env.ES_PORT = '1';
    try {
      await api.logs.start();
      assert.equal(api.logs.sourceKind, 'files');
      assert.match(api.logs.lastWarning ?? '', /Elasticsearch at http:\/\/127\.0\.0\.1:1 does not answer/);
    } finally {
      if (port === undefined) delete process.env.ES_PORT;
      else process.env.ES_PORT = port;
      await config.update('source', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
