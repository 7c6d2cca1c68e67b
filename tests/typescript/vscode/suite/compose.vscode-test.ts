import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import type { ServiceNode } from '../../../../extension/vscode/stack/serviceNode';

// The extension with "etlSpark.stack.mode": "compose" (scripts/test-vscode.mjs --mode compose), against the
// real Docker engine: the compose project COMPOSE_PROJECT_NAME of the environment, started and removed here.
let api: EtlExtensionApi;
const DEFAULT_SERVICES = [
  'minio',
  'spark-master',
  'spark-worker-1',
  'spark-worker-2',
  'spark-history',
  'elasticsearch',
  'airflow',
  'log-shipper',
];
const project = process.env.COMPOSE_PROJECT_NAME ?? 'etl-spark';
const rows = async () =>
  (await api.stack.getChildren()).filter((n): n is ServiceNode => (n as ServiceNode).service !== undefined);
const ourContainers = () =>
  execFileSync(
    'docker',
    ['ps', '-a', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'],
    { encoding: 'utf8' },
  ).trim();

describe('ETL Spark extension in a real VS Code, compose mode', function () {
  this.timeout(1_500_000);

  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension, 'the extension is installed');
    api = (await extension.activate()) as EtlExtensionApi;
  });

  // Only when a test failed before the last one stopped the stack: a second Stop would show the user
  // "nothing was running" beside the first one's result (and in the suite's last screenshot).
  after(async () => {
    if (ourContainers() !== '') await vscode.commands.executeCommand('etlSpark.stopStack');
  });

  it('Start Stack in compose mode: the Stack view shows each container starting, then healthy', async () => {
    assert.equal((await api.services.stack()).mode, 'compose');
    const seen = new Map<string, string[]>();
    const record = async () => {
      for (const { service } of await rows()) {
        const states = seen.get(service.name) ?? [];
        if (states.at(-1) !== service.state) states.push(service.state);
        seen.set(service.name, states);
      }
    };
    let readings = Promise.resolve();
    const sub = api.stack.onDidChangeTreeData(() => (readings = readings.then(record)));
    try {
      api.services.lastError = undefined;
      assert.equal(
        await vscode.commands.executeCommand('etlSpark.startStack'),
        true,
        `Start Stack failed: ${api.services.lastError}`,
      );
      await (readings = readings.then(record));
    } finally {
      sub.dispose();
    }
    const nodes = await rows();
    for (const name of DEFAULT_SERVICES) {
      const node = nodes.find((n) => n.service.name === name);
      assert.equal(node?.service.state, 'running', `${name}: ${JSON.stringify(node?.service)}`);
      assert.match(String(node?.description), new RegExp(`^running · ${project}-${name}-1$`));
      assert.equal(node?.contextValue, 'etlSpark.service.running');
    }
    const shownStarting = [...seen].filter(
      ([, states]) => states.indexOf('starting') >= 0 && states.indexOf('starting') < states.lastIndexOf('running'),
    );
    assert.ok(
      shownStarting.length > 0,
      `no container was shown starting then running: ${JSON.stringify(Object.fromEntries(seen))}`,
    );
    console.log(`compose: shown starting then running: ${shownStarting.map(([name]) => name).join(', ')}`);
  });

  it('Extract and Transform run in the compose etl runner', async () => {
    api.services.lastError = undefined;
    const extracted = (await vscode.commands.executeCommand('etlSpark.extract', {
      months: '2024-01',
      source: { sample: true },
    })) as { runId: string; files: number } | undefined;
    assert.ok(extracted, `Extract failed: ${api.services.lastError}`);
    assert.equal(extracted.files, 2);
    assert.equal(
      await vscode.commands.executeCommand('etlSpark.transform', { run: extracted.runId, force: true }),
      true,
      `Transform failed: ${api.services.lastError}`,
    );
  });

  it('Stop Stack removes every container of the project; the rows read stopped', async () => {
    await vscode.commands.executeCommand('etlSpark.stopStack');
    assert.equal(ourContainers(), '');
    assert.ok(
      (await rows()).every((n) => n.service.state === 'stopped'),
      JSON.stringify((await rows()).map((n) => n.service)),
    );
  });
});
