import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import type { VersionCompare } from '../../../../extension/core/gold/compareVersion';
import type { GoldItem } from '../../../../extension/vscode/gold/goldTree';
import type { GridPanel } from '../../../../extension/vscode/gold/gridPanel';

// The Gold tables view after a real pipeline run (Run Pipeline: the sample extracted, then the real
// transform on the stack's Spark), inside the real extension host. Nodes are compared by kind, never instanceof.
let api: EtlExtensionApi;
const labelOf = (item: vscode.TreeItem) => String(typeof item.label === 'object' ? item.label.label : item.label);
const kindOf = (item: GoldItem) => (item as { kind?: string }).kind;
const until = async (check: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
};

describe('Gold tables view in a real VS Code', () => {
  before(async function () {
    this.timeout(900_000);
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension);
    api = (await extension.activate()) as EtlExtensionApi;
    // The real pipeline on the running stack: extract the sample months, then the transform, as the palette runs it
    // (unforced). After the extension suite's Run Pipeline of the same months it is skipped as unchanged (same
    // objects, same code: gold already holds them); run alone, it spark-submits (minutes on 2 shared cores).
    const extracted = await vscode.commands.executeCommand<{ runId: string } | undefined>('etlSpark.extract', {
      months: '2024-01..2024-02',
      source: { sample: true },
    });
    assert.ok(extracted, api.services.lastError);
    assert.equal(
      await vscode.commands.executeCommand('etlSpark.transform', { run: extracted.runId }),
      true,
      api.services.lastError,
    );
  });

  it('registers Preview Table, Preview at This Version and Query Gold…', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of [
      'etlSpark.gold.previewTable', 'etlSpark.gold.previewVersion', 'etlSpark.gold.compareVersion',
      'etlSpark.gold.query', 'etlSpark.gold.runSqlFile',
    ])
      assert.ok(all.includes(id), id);
  });

  it('lists the gold Delta tables (not folders) with rows, partitions, version and the run that wrote it', async () => {
    const tables = await api.gold.tree.getChildren();
    assert.equal(api.gold.tree.problem, undefined);
    assert.deepEqual(tables.map(labelOf), [
      'fact_trips',
      'dim_date',
      'dim_payment_type',
      'dim_rate_code',
      'dim_vendor',
      'dim_zone',
      'mart_daily_zone',
      'mart_hourly_demand',
      'quarantine/rejected_trips',
    ]);
    assert.ok(tables.every((t) => kindOf(t) === 'goldTable' && t.contextValue === 'etlSpark.gold.table'));
    assert.match(
      String(tables[0].description),
      /^fact · 39,200 rows · 2 partition\(s\) · v\d+ · by transform-\d{8}T\d{6}Z-[0-9a-f]+$/,
    );
    assert.match(String(tables[8].description), /^quarantine · 800 rows · 2 partition\(s\)/);
  });

  it("a table's children: columns with types, partitions with rows/files/bytes, history versions", async () => {
    const fact = (await api.gold.tree.getChildren())[0];
    const groups = await api.gold.tree.getChildren(fact);
    assert.deepEqual(
      groups.map(labelOf).map((l) => l.replace(/\(.*/, '')),
      ['Columns ', 'Partitions ', 'History '],
    );
    const columns = await api.gold.tree.getChildren(groups[0]);
    const pickup = columns.find((c) => labelOf(c) === 'pickup_datetime');
    assert.equal(pickup?.description, 'timestamp_ntz');
    assert.equal(columns.find((c) => labelOf(c) === 'pickup_month')?.description, 'integer · partition');
    const partitions = await api.gold.tree.getChildren(groups[1]);
    assert.deepEqual(partitions.map(labelOf), ['pickup_year=2024/pickup_month=1', 'pickup_year=2024/pickup_month=2']);
    assert.match(String(partitions[0].description), /^19,600 rows · \d+ file\(s\) · [\d.]+ (kB|MB)$/);
    const versions = await api.gold.tree.getChildren(groups[2]);
    assert.ok(versions.length >= 2);
    assert.match(
      String(versions[0].description),
      /^v\d+ · months 2024-01, 2024-02 · 39,200 rows written · transform-/,
    );
    assert.match(labelOf(versions[0]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d — WRITE$/);
  });

  it('Preview Table opens the grid: first page, total, exact timestamps; sorting and paging in DuckDB', async () => {
    const fact = (await api.gold.tree.getChildren())[0];
    await vscode.commands.executeCommand('etlSpark.gold.previewTable', fact);
    const grid = api.gold.grids.last;
    assert.ok(grid, api.services.lastError);
    assert.ok(
      await until(() => grid.lastPage !== undefined || grid.lastError !== undefined),
      'the webview asked for its first page',
    );
    assert.equal(grid.lastError, undefined);
    const page = grid.lastPage;
    assert.equal(page?.total, 39_200);
    assert.equal(page?.rows.length, 100);
    const at = page?.columns.findIndex((c) => c.name === 'pickup_datetime') ?? -1;
    assert.match(String(page?.rows[0][at]), /^2024-0[12]-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?$/);
    const sorted = await grid.show(100, { column: 'total_amount', descending: true });
    assert.equal(sorted?.offset, 100);
    const amounts =
      sorted?.rows.map((r) => Number(r[page?.columns.findIndex((c) => c.name === 'total_amount') ?? -1])) ?? [];
    assert.ok(
      amounts.every((a, i) => i === 0 || amounts[i - 1] >= a),
      'descending by total_amount',
    );
  });

  it('Preview at This Version (a History node) opens the grid over that version; Query Gold… as of it agrees',
    async () => {
      const fact = (await api.gold.tree.getChildren())[0];
      const history = (await api.gold.tree.getChildren(fact))[2];
      const versions = await api.gold.tree.getChildren(history);
      const oldest = versions[versions.length - 1];
      assert.equal(oldest.contextValue, 'etlSpark.gold.version');
      const version = (oldest as { commit?: { version: number } }).commit?.version;
      await vscode.commands.executeCommand('etlSpark.gold.previewVersion', oldest);
      const grid = api.gold.grids.last;
      assert.ok(grid, api.services.lastError);
      assert.equal(grid.panel.title, `Gold: fact_trips@v${version}`);
      assert.ok(await until(() => grid.lastPage !== undefined || grid.lastError !== undefined));
      assert.equal(grid.lastError, undefined);
      const total = grid.lastPage?.total;
      assert.ok(total !== undefined && total > 0, `rows of version ${version}: ${total}`);
      await vscode.commands.executeCommand('etlSpark.gold.query', 'SELECT count(*) AS n FROM fact_trips', { version });
      const counted = api.gold.grids.last;
      assert.notEqual(counted, grid);
      assert.ok(await until(() => counted?.lastPage?.columns[0]?.name === 'n'), api.services.lastError);
      assert.deepEqual(counted?.lastPage?.rows[0], [String(total)]);
    });

  it('Compare with Current (a History node) opens the Change preview panel: that version → current, per partition',
    async () => {
      const fact = (await api.gold.tree.getChildren())[0];
      const history = (await api.gold.tree.getChildren(fact))[2];
      const versions = await api.gold.tree.getChildren(history);
      const oldest = versions[versions.length - 1] as GoldItem & { commit?: { version: number } };
      const version = oldest.commit?.version;
      const compare = await vscode.commands.executeCommand<VersionCompare | undefined>(
        'etlSpark.gold.compareVersion',
        oldest,
      );
      assert.ok(compare, api.services.lastError);
      const panel = api.preview.shownPanel();
      assert.equal(panel?.compare, compare);
      assert.equal(panel?.panel.title, `fact_trips v${version} → current (v${compare.current})`);
      const parts = compare.diff.partitions ?? [];
      assert.deepEqual(compare.diff.partitionBy, ['pickup_year', 'pickup_month']);
      assert.ok(parts.length > 0, 'fact_trips is compared per (year, month)');
      const sum = (pick: (p: (typeof parts)[number]) => number) => parts.reduce((t, p) => t + pick(p), 0);
      assert.equal(sum((p) => p.before), compare.diff.rowsBefore);
      assert.equal(sum((p) => p.after), compare.diff.rowsAfter);
      assert.equal(sum((p) => p.added), compare.diff.added);
      assert.equal(sum((p) => p.removed), compare.diff.removed);
      const moved = parts.find((p) => p.added || p.removed || p.changed || p.before !== p.after);
      if (moved) assert.ok(panel?.panel.webview.html.includes(moved.label), `${moved.label} shown in the panel`);
    });

  it('Query Gold… runs SQL over the gold tables and shows the result in the same grid', async () => {
    await vscode.commands.executeCommand(
      'etlSpark.gold.query',
      'SELECT reject_rule, count(*) AS n FROM quarantine_rejected_trips GROUP BY 1 ORDER BY n DESC',
    );
    const grid = api.gold.grids.last;
    assert.ok(await until(() => grid?.lastPage?.columns[0]?.name === 'reject_rule'), api.services.lastError);
    assert.deepEqual(grid?.lastPage?.rows[0], ['non_positive_distance', '400']);
    assert.equal(grid?.lastPage?.total, 4);
  });

  it('a .sql file: a Run on Gold lens above each statement runs it into the grid beside; the grid exports every row',
    async () => {
      // A scratch folder inside the workspace (an ETL Spark project): the lens shows there.
      const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
      mkdirSync(join(root, 'test-artifacts'), { recursive: true });
      const dir = mkdtempSync(join(root, 'test-artifacts', 'sql-suite-'));
      try {
        const file = join(dir, 'rules.sql');
        writeFileSync(file, [
          '-- rejected trips by rule',
          'SELECT reject_rule, count(*) AS n FROM quarantine_rejected_trips GROUP BY 1 ORDER BY n DESC;',
          '',
          'SELECT pickup_month, count(*) AS trips FROM fact_trips GROUP BY 1 ORDER BY 1;',
          '',
        ].join('\n'));
        const uri = vscode.Uri.file(file);
        const editor = await vscode.window.showTextDocument(uri);
        assert.equal(editor.document.languageId, 'sql');
        const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        const lenses = all.filter((l) => l.command?.command === 'etlSpark.gold.runSqlFile');
        assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title]), [
          [1, '$(play) Run on Gold'],
          [3, '$(play) Run on Gold'],
        ]);
        // The second statement's lens (as a click runs it): its rows, beside the editor, titled by file and line.
        const months = await vscode.commands.executeCommand<GridPanel | undefined>(
          'etlSpark.gold.runSqlFile', ...(lenses[1].command?.arguments ?? []));
        assert.ok(months, api.services.lastError);
        assert.equal(months.panel.title, 'Query: rules.sql:4');
        assert.ok(await until(() => months.lastPage !== undefined || months.lastError !== undefined));
        assert.deepEqual(months.lastPage?.rows, [['1', '19600'], ['2', '19600']]);
        // The keybinding's way (no arguments): the statement at the cursor; it replaces the file's result tab.
        let replaced = false;
        months.panel.onDidDispose(() => (replaced = true));
        await vscode.window.showTextDocument(editor.document, { selection: new vscode.Range(1, 5, 1, 5) });
        const rules = await vscode.commands.executeCommand<GridPanel | undefined>('etlSpark.gold.runSqlFile');
        assert.ok(rules, api.services.lastError);
        assert.ok(replaced, 'the earlier result tab of rules.sql closed');
        assert.ok(await until(() => rules.lastPage !== undefined || rules.lastError !== undefined));
        assert.equal(rules.lastPage?.total, 4);
        assert.deepEqual(rules.lastPage?.rows[0], ['non_positive_distance', '400']);
        // Export (the grid's buttons take this path; a given target: no dialog): every row, the grid's sort.
        await rules.show(0, { column: 'n', descending: false });
        const csv = join(dir, 'rules.csv');
        const written = await rules.exportTo('csv', csv);
        assert.equal(written?.rows, 4, rules.lastError);
        const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
        assert.equal(lines[0], 'reject_rule,n');
        assert.equal(lines.length, 5);
        assert.equal(lines[1], 'pickup_outside_month,80', 'ascending by n, as the grid was sorted');
        assert.equal((await rules.exportTo('parquet', join(dir, 'rules')))?.path, join(dir, 'rules.parquet'));
        // A folder that does not exist: the grid and the user are told, nothing is written.
        assert.equal(await rules.exportTo('csv', join(dir, 'no', 'such', 'x.csv')), undefined);
        assert.match(rules.lastError ?? '', /the export to .*x\.csv failed[\s\S]*choose a folder that exists/);
        assert.deepEqual(readdirSync(dir).sort(), ['rules.csv', 'rules.parquet', 'rules.sql']);
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('failure: SQL that does not parse gives one clear error, no grid, no exception', async () => {
    const before = api.gold.grids.last;
    await vscode.commands.executeCommand('etlSpark.gold.query', 'SELEC nonsense');
    assert.equal(api.gold.grids.last, before);
    assert.match(api.services.lastError ?? '', /^the query failed: Parser Error/);
  });
});
