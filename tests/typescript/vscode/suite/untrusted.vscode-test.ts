import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import type { ObjectNode } from '../../../../extension/vscode/buckets/nodes';
import type { ServiceNode } from '../../../../extension/vscode/stack/serviceNode';

// The extension in a restricted (untrusted) workspace: scripts/test-vscode.mjs opens this window with workspace
// trust on and the folder never trusted. The manifest promises (capabilities.untrustedWorkspaces): "the ETL views
// browse MinIO and the manifest; nothing runs (stack, extract, transform, delete)". The real native stack runs.
let api: EtlExtensionApi;
const manifest = () => vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark')?.packageJSON;
const snapshot = async () =>
  (await (await api.services.stack()).status()).map((s) => `${s.name} ${s.state} ${s.pid ?? ''}`);
const runCount = async () =>
  (await api.backup.getChildren()).filter((n) => (n as { kind?: string }).kind === 'run').length;

/** A refused command returns at once; one that waits on a dialog (a confirmation) would hang: fail instead. */
async function promptly(command: string, ...args: unknown[]): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${command} did not return within 15 s (a dialog?)`)), 15_000);
  });
  try {
    return await Promise.race([Promise.resolve(vscode.commands.executeCommand(command, ...args)), hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('ETL Spark extension in an untrusted workspace', () => {
  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension, 'the extension is installed');
    api = (await extension.activate()) as EtlExtensionApi;
  });

  it('the workspace is untrusted and the extension runs there (limited support)', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(manifest().capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('browsing works: the Stack rows, the buckets, the manifest runs and a Parquet preview', async () => {
    const minio = (await api.stack.getChildren()).find(
      (n) => (n as ServiceNode).service?.name === 'minio',
    ) as ServiceNode;
    assert.equal(minio?.service.state, 'running');
    const buckets = await api.buckets.getChildren();
    assert.deepEqual(buckets.map((b) => b.label), ['rawzone', 'gold']);
    assert.ok((await runCount()) >= 0, 'the manifest is read');
    const uri = vscode.Uri.from({
      scheme: 'etl-spark-s3',
      path: '/rawzone/yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet',
    });
    assert.match((await vscode.workspace.openTextDocument(uri)).getText(), /^# Parquet: 20000 rows/);
  });

  it('nothing runs: stack, service, Extract, Transform, Run Pipeline, Trigger DAG refuse; the stack is ' +
    'unchanged', async () => {
    const stackBefore = await snapshot();
    const runsBefore = await runCount();
    const minio = (await api.stack.getChildren()).find((n) => (n as ServiceNode).service?.name === 'minio');
    assert.equal(await promptly('etlSpark.startStack'), false);
    await promptly('etlSpark.stopStack');
    await promptly('etlSpark.stack.stopService', minio);
    await promptly('etlSpark.stack.startService', minio);
    assert.equal(await promptly('etlSpark.extract', { months: '2024-01', source: { sample: true } }), undefined);
    assert.equal(await promptly('etlSpark.transform', { run: 'any-run' }), false);
    assert.equal(await promptly('etlSpark.runPipeline', '2024-01'), false);
    assert.equal(await promptly('etlSpark.triggerDag', { month: '2024-01', source: 'sample' }), undefined);
    assert.deepEqual(await snapshot(), stackBefore);
    assert.equal(await runCount(), runsBefore);
  });

  it('nothing is deleted: Delete refuses before its confirmation, the object stays', async () => {
    const { client } = await api.buckets.client();
    const key = `vscode-untrusted-${randomBytes(3).toString('hex')}/probe.txt`;
    await client.putObject('rawzone', key, Buffer.from('keep me'));
    try {
      const node = { kind: 'object', bucket: 'rawzone', key } as ObjectNode;
      await promptly('etlSpark.buckets.delete', node);
      assert.equal((await client.statObject('rawzone', key)).size, 7);
    } finally {
      await client.removeObject('rawzone', key);
    }
  });

  it('the palette and the menus offer what runs only in a trusted workspace', () => {
    const runs = [
      'etlSpark.startStack', 'etlSpark.stopStack', 'etlSpark.extract', 'etlSpark.transform', 'etlSpark.runPipeline',
      'etlSpark.triggerDag',
    ];
    const menus = manifest().contributes.menus as Record<string, { command: string; when?: string }[]>;
    for (const id of runs) {
      const entry = menus.commandPalette.find((m) => m.command === id);
      assert.match(entry?.when ?? '', /isWorkspaceTrusted/, id);
    }
    const item = (id: string) => menus['view/item/context'].filter((m) => m.command === id);
    for (const id of ['etlSpark.stack.startService', 'etlSpark.stack.stopService', 'etlSpark.buckets.delete']) {
      assert.ok(item(id).length > 0 && item(id).every((m) => /isWorkspaceTrusted/.test(m.when ?? '')), id);
    }
  });
});
