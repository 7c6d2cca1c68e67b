import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import type { RunNode } from '../../../../extension/vscode/runs/runNode';
import type { TaskNode } from '../../../../extension/vscode/runs/taskNode';
import type { QualityPanel } from '../../../../extension/vscode/runs/qualityPanel';
import type { RestorePlan } from '../../../../extension/core/restore/plan';

// The Runs view inside a real VS Code, after a real pipeline run through the real Airflow, Spark and MinIO.
// Classes of the suite's bundle are not the extension's: compare by kind/contextValue, never instanceof.
let api: EtlExtensionApi;
const labelOf = (item: vscode.TreeItem) => String(typeof item.label === 'object' ? item.label.label : item.label);
// The view paints before every report is read (then fills in): the rows of a load run to its end.
const runNodes = async () => {
  await api.runs.load();
  return (await api.runs.rootNodes()).filter((n): n is RunNode => (n as RunNode).kind === 'run');
};
const childrenOf = (item: vscode.TreeItem) => api.runs.getChildren(item);
const find = (items: vscode.TreeItem[], label: string | RegExp) =>
  items.find((i) => (typeof label === 'string' ? labelOf(i) === label : label.test(labelOf(i))));

/** The newest DAG run with a transform on its row; one is triggered when Airflow has none yet. */
async function pipelineRow(): Promise<RunNode> {
  const existing = (await runNodes()).find((n) => n.run.dagRun?.state === 'success' && n.run.transform);
  if (existing) return existing;
  const result = await vscode.commands.executeCommand<{ state: string } | undefined>('etlSpark.triggerDag', {
    month: '2024-01',
    source: 'sample',
  });
  assert.equal(result?.state, 'success', api.services.lastError);
  const row = (await runNodes()).find((n) => n.run.dagRun?.state === 'success' && n.run.transform);
  assert.ok(row, 'the DAG run is a row with its transform');
  return row;
}

async function waitForRow(check: (n: RunNode) => boolean, ms = 240_000): Promise<RunNode> {
  const end = Date.now() + ms;
  for (;;) {
    const row = (await runNodes()).find(check);
    if (row) return row;
    if (Date.now() > end) throw new Error('no such row in the Runs view');
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describe('Runs view and quality report in a real VS Code', () => {
  let row: RunNode;

  before(async function () {
    this.timeout(900_000);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension);
    api = (await extension.activate()) as EtlExtensionApi;
    row = await pipelineRow();
  });

  it('a DAG run is one row labelled for people (when, what, outcome), the run id in the description', () => {
    assert.match(
      labelOf(row),
      /^(today|yesterday) \d\d:\d\d · Airflow extract \+ transform 2024-01 · [\d,]+ kept, [\d,]+ rejected$/,
    );
    assert.ok(row.run.extract && String(row.description).endsWith(row.run.extract.run_id), String(row.description));
    assert.match(String(row.tooltip), /Airflow etl_pipeline run .* \(success\)/);
    assert.equal(row.contextValue, 'etlSpark.runs.run.report.dag.spark');
    const runs = api.runs.model.runs;
    assert.deepEqual(
      runs.map((r) => r.startedAt),
      [...runs.map((r) => r.startedAt)].sort().reverse(),
      'newest first',
    );
  });

  it('its children: the Spark application, the Airflow tasks, the extracted files, the tables written', async () => {
    const parts = await childrenOf(row);
    assert.ok(find(parts, /^Spark application app-/), parts.map(labelOf).join(' | '));
    const airflow = find(parts, 'Airflow etl_pipeline');
    assert.ok(airflow);
    const tasks = (await childrenOf(airflow)) as TaskNode[];
    assert.deepEqual(tasks.map((t) => labelOf(t)).sort(), ['choose_month', 'clean_and_transform', 'extract']);
    assert.ok(
      tasks.every((t) => /^success · try \d+/.test(String(t.description))),
      tasks.map((t) => t.description).join(', '),
    );
    const files = find(parts, 'Files');
    assert.ok(files && (await childrenOf(files)).some((f) => /yellow_tripdata_2024-01\.parquet$/.test(labelOf(f))));
    const tables = find(parts, 'Tables written');
    assert.ok(tables);
    assert.ok((await childrenOf(tables)).some((t) => labelOf(t) === 'fact_trips' && t.description === '2024-01'));
  });

  it('Open Quality Report: a webview with totals, per month and rejected rows per rule', async () => {
    const panel = await vscode.commands.executeCommand<QualityPanel>('etlSpark.runs.openReport', row);
    assert.ok(panel, api.services.lastError);
    const html = panel.panel.webview.html;
    for (const text of ['Totals', 'Per month', 'Rejected rows per rule', row.run.transform?.run_id ?? '?', '2024-01'])
      assert.ok(html.includes(text), text);
    assert.match(html, /Content-Security-Policy" content="default-src 'none';/);
    panel.panel.dispose();
  });

  it('Compare with Previous Run: the diff against the run before, deltas highlighted', async () => {
    const panel = await vscode.commands.executeCommand<QualityPanel>('etlSpark.runs.compare', row);
    assert.ok(panel, 'an earlier run with a report exists (the integration tests and earlier transforms write them)');
    assert.match(panel.panel.title, / vs /);
    assert.ok(panel.compareWith);
    assert.match(panel.panel.webview.html, /vs previous/);
    panel.panel.dispose();
  });

  it('Restore Gold to Before This Run: the plan names the tables the run wrote; declined, gold stays', async () => {
    // The suite's gold is shared with the suites after it: the modal is declined ('cancel'); tests of the restore
    // itself are in tests/typescript/integration/sampleGold/restore.ts, on a gold bucket of their own.
    const plan = await vscode.commands.executeCommand<RestorePlan>('etlSpark.runs.restoreBefore', row, 'cancel');
    assert.ok(plan, api.services.lastError);
    assert.equal(plan.beforeRun, row.run.transform?.run_id);
    assert.ok(plan.steps.some((s) => s.table === 'fact_trips'), JSON.stringify(plan.steps));
    const again = await vscode.commands.executeCommand<RestorePlan>('etlSpark.runs.restoreBefore', row, 'cancel');
    assert.deepEqual(again, plan, 'declining changed gold');
  });

  it("Show Logs of This Run: the ETL Logs filter is the run's ids, in workspace state, not settings", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    const settingsFile = join(folder, '.vscode', 'settings.json');
    const before = existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined;
    const filter = await vscode.commands.executeCommand<string>('etlSpark.runs.showLogs', row);
    assert.equal(filter, [row.run.extract?.run_id, row.run.transform?.run_id].join(','));
    assert.equal(api.logs.runFilter.get(), filter);
    assert.equal(existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : undefined, before, 'settings.json');
    await vscode.commands.executeCommand('etlSpark.logs.showEveryRun');
    assert.equal(api.logs.runFilter.get(), undefined);
    // Filter Logs by Run… (the filter UI; its quick pick skipped by the run id): the same filter, then none again.
    assert.equal(await vscode.commands.executeCommand<string>('etlSpark.logs.filterRuns', row.run.id), filter);
    assert.equal(api.logs.runFilter.get(), filter);
    assert.equal(await vscode.commands.executeCommand<string>('etlSpark.logs.filterRuns', ''), '');
    assert.equal(api.logs.runFilter.get(), undefined);
    assert.equal(await vscode.commands.executeCommand('etlSpark.logs.filterRuns', 'no-such-run'), undefined);
    assert.match(api.services.lastError ?? '', /no run no-such-run in the Runs view/);
  });

  it('Open in Spark History: the finished application is served by the History Server', async function () {
    this.timeout(90_000);
    const url = await vscode.commands.executeCommand<string>('etlSpark.runs.openInSparkHistory', row);
    assert.match(String(url), /\/history\/app-[\d-]+\/$/);
    const end = Date.now() + 60_000;
    let status = 0;
    while (status !== 200 && Date.now() < end) {
      status = (await fetch(String(url)).catch(() => undefined))?.status ?? 0;
      if (status !== 200) await new Promise((r) => setTimeout(r, 2000));
    }
    assert.equal(status, 200);
  });

  it('Show Log of a task: its Airflow log in an editor', async () => {
    const airflow = find(await childrenOf(row), 'Airflow etl_pipeline');
    assert.ok(airflow);
    const extract = ((await childrenOf(airflow)) as TaskNode[]).find((t) => t.task.task_id === 'extract');
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('etlSpark.runs.showTaskLog', extract);
    assert.ok(document, api.services.lastError);
    assert.match(document.getText(), /^# etl_pipeline \/ .* \/ extract, try \d+: success/);
    assert.ok(document.lineCount > 3, 'the log has lines');
  });

  it('a failed DAG run: Clear and Retry its failed task; Re-run starts it again', async function () {
    this.timeout(900_000);
    const source = 'file:///no/such/folder/yellow_tripdata_{YYYY}-{MM}.parquet';
    await vscode.commands.executeCommand('etlSpark.triggerDag', { month: '2023-05', source });
    api.runs.refresh();
    const failed = await waitForRow((n) => n.run.dagRun?.conf.source === source && n.run.state === 'failed');
    const airflow = find(await childrenOf(failed), 'Airflow etl_pipeline');
    assert.ok(airflow);
    const extract = ((await childrenOf(airflow)) as TaskNode[]).find((t) => t.task.task_id === 'extract');
    assert.equal(extract?.contextValue, 'etlSpark.runs.task.failed');
    assert.equal(await vscode.commands.executeCommand('etlSpark.runs.clearTask', extract, true), true);
    // Airflow runs the cleared task again: a new try (the source still does not exist, so it fails again).
    const dagRunId = String(failed.run.dagRun?.dagRunId);
    const tries = async () =>
      (await api.runs.airflow().taskInstances('etl_pipeline', dagRunId)).find((t) => t.task_id === 'extract');
    const end = Date.now() + 240_000;
    while (((await tries())?.try_number ?? 0) <= (extract?.task.try_number ?? 0)) {
      assert.ok(Date.now() < end, 'the cleared task ran no new try');
      await new Promise((r) => setTimeout(r, 2000));
    }
    const before = api.runs.model.runs.filter((r) => r.dagRun?.conf.source === source).length;
    // Re-run triggers the DAG with the same conf and follows it (it fails again: the source does not exist).
    assert.equal(await vscode.commands.executeCommand('etlSpark.runs.rerun', failed), true);
    await api.runs.load();
    const after = api.runs.model.runs.filter(
      (r) => r.dagRun?.conf.source === source && r.dagRun.conf.month === '2023-05',
    );
    assert.equal(after.length, before + 1);
  });

  it('the "Get Started with ETL Spark" walkthrough: six steps, each completed by a registered command', async () => {
    const manifest = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark')?.packageJSON;
    const [walkthrough] = manifest.contributes.walkthroughs;
    assert.equal(walkthrough.title, 'Get Started with ETL Spark');
    const events: string[] = walkthrough.steps.flatMap((s: { completionEvents: string[] }) => s.completionEvents);
    assert.deepEqual(events, [
      'onCommand:workbench.action.terminal.new',
      'onCommand:etlSpark.startStack',
      'onCommand:etlSpark.extract',
      'onCommand:etlSpark.transform',
      'onCommand:etlSpark.runs.openReport',
      'onCommand:etlSpark.showLogs',
    ]);
    const all = await vscode.commands.getCommands(true);
    for (const event of events) assert.ok(all.includes(event.slice('onCommand:'.length)), event);
  });
});
