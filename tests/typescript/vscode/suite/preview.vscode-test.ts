import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { PreviewDiff } from '../../../../extension/core/preview/compare';
import type { EtlExtensionApi } from '../../../../extension/vscode/extension';
import { NOTEBOOK_FILE, NOTEBOOK_TEMPLATE } from '../../../../extension/vscode/preview/openDevNotebook';

// Preview Change and the dev notebook inside the real extension host, after the Gold suite published the sample
// (a real pipeline run). The working tree's rules.py is edited for a test and always restored.
let api: EtlExtensionApi;
let root: string;
const RULES = join('src', 'etl', 'transform', 'rules.py');
const RULE = 'Rule("non_positive_distance", "trip_distance <= 0", F.col("trip_distance") <= 0)';

/** Runs `work` with rules.py's non_positive_distance line replaced, then restores the file as it was. */
async function withEditedRule<T>(replacement: string, work: () => Promise<T>): Promise<T> {
  const file = join(root, RULES);
  const original = readFileSync(file, 'utf8');
  assert.ok(original.includes(RULE), `rules.py no longer has: ${RULE}`);
  writeFileSync(file, original.replace(RULE, replacement));
  try {
    return await work();
  } finally {
    writeFileSync(file, original);
  }
}

const preview = async (source: object = { sample: true }) =>
  await vscode.commands.executeCommand<PreviewDiff | undefined>('etlSpark.previewChange', source);
const tableOf = (diff: PreviewDiff, table: string) => {
  const found = diff.tables.find((t) => t.table === table);
  assert.ok(found, `${table} not in the preview`);
  return found;
};

describe('Preview Change in a real VS Code', () => {
  before(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'etl-spark');
    assert.ok(extension);
    api = (await extension.activate()) as EtlExtensionApi;
    root = api.services.project().paths.root;
  });

  it('the unedited transform on the sample: no table changes, nothing published, shown', async function () {
    this.timeout(600_000); // the first preview may start the dev session (its warm-up included)
    const diff = await preview();
    assert.ok(diff, api.services.lastError);
    assert.equal(diff.tables.length, 9);
    for (const table of diff.tables)
      assert.deepEqual([table.table, table.added, table.removed, table.changed], [table.table, 0, 0, 0]);
    assert.equal(api.preview.shownPanel()?.diff, diff);
    const again = await preview();
    assert.deepEqual(again?.goldVersions, diff.goldVersions, 'a preview committed to gold');
  });

  it('an edited rule: more rows rejected by it, fewer in fact_trips; its count opens those rows', async () => {
    const edited = RULE.replace('<= 0)', '<= 0.5)').replace('trip_distance <= 0"', 'trip_distance <= 0.5"');
    const diff = await withEditedRule(edited, () => preview());
    assert.ok(diff, api.services.lastError);
    const rule = tableOf(diff, 'quarantine/rejected_trips').groups?.find((g) => g.value === 'non_positive_distance');
    assert.ok(rule && rule.added > 0 && rule.removed === 0, JSON.stringify(rule));
    // A row the edited rule now rejects may have been rejected by another rule before (it moves between groups):
    // fact_trips loses exactly what the quarantine gains in total.
    const quarantine = tableOf(diff, 'quarantine/rejected_trips');
    const gained = quarantine.rowsAfter - quarantine.rowsBefore;
    assert.ok(gained > 0 && gained <= rule.added, `quarantine +${gained}, rule +${rule.added}`);
    const fact = tableOf(diff, 'fact_trips');
    assert.deepEqual([fact.removed, fact.added, fact.rowsBefore - fact.rowsAfter], [gained, 0, gained]);
    for (const dim of diff.tables.filter((t) => t.table.startsWith('dim_')))
      assert.deepEqual([dim.added, dim.removed, dim.changed], [0, 0, 0], dim.table);
    const grid = await api.preview.shownPanel()?.openRows('quarantine/rejected_trips', {
      kind: 'group-added',
      value: 'non_positive_distance',
    });
    const page = await grid?.show(0);
    assert.equal(page?.total, rule.added, grid?.lastError);
    assert.equal(page?.columns[0].name, 'reject_rule');
    assert.ok(page?.rows.every((r) => r[0] === 'non_positive_distance'));
  });

  it('an error in the edited rule is a problem at its line of rules.py', async () => {
    const broken = RULE.replace('F.col("trip_distance") <= 0', 'F.col("trip_distanc") <= 0');
    const line = readFileSync(join(root, RULES), 'utf8').split('\n').findIndex((l) => l.includes(RULE)) + 1;
    const diff = await withEditedRule(broken, () => preview());
    assert.equal(diff, undefined);
    const problems = vscode.languages.getDiagnostics(vscode.Uri.file(join(root, RULES)));
    assert.equal(problems.length, 1, api.services.lastError);
    assert.equal(problems[0].range.start.line + 1, line);
    assert.match(problems[0].message, /trip_distanc/);
    assert.equal(problems[0].source, 'ETL: Preview Change');
  });

  it('Open Dev Notebook writes the notebook once from its template and opens it', async () => {
    const file = join(root, NOTEBOOK_FILE);
    rmSync(file, { force: true });
    try {
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('etlSpark.openDevNotebook');
      assert.equal(editor?.document.uri.fsPath, file);
      assert.equal(readFileSync(file, 'utf8'), readFileSync(join(root, NOTEBOOK_TEMPLATE), 'utf8'));
      assert.match(editor.document.getText(), /^# %% Connect/m);
      writeFileSync(file, '# %% mine\n');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('etlSpark.openDevNotebook');
      assert.equal(readFileSync(file, 'utf8'), '# %% mine\n', 'a second Open Dev Notebook overwrote the user copy');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      rmSync(file, { force: true });
      try {
        rmdirSync(dirname(file)); // only when the test made it (empty)
      } catch {
        /* the folder holds the user's own files */
      }
      assert.ok(!existsSync(file));
    }
  });
});
