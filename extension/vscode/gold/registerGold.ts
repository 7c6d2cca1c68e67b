import * as vscode from 'vscode';
import type { CatalogAsOf } from '../../core/gold/asOf';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { compareVersionCommand } from './compareVersion';
import { GoldTreeProvider } from './goldTree';
import type { GridPanel } from './gridPanel';
import { previewTableCommand } from './previewTable';
import { previewVersionCommand } from './previewVersion';
import { queryGoldCommand } from './queryGold';
import { runSqlFileCommand } from './runSqlFile';
import { SOURCE_ROW_SCHEME, SourceRowDocuments, showSourceRowCommand } from './showSourceRow';
import { SQL_DOCUMENTS, SqlCodeLensProvider } from './sqlCodeLens';
import type { TableNode } from './tableNode';
import type { VersionNode } from './versionNode';

/** The Gold tables view and its grid commands. Returns handles the extension-host tests inspect. */
export function registerGold(context: vscode.ExtensionContext, services: EtlServices) {
  const tree = new GoldTreeProvider(services);
  const sourceRows = new SourceRowDocuments(services);
  const grids: { last?: GridPanel } = {};
  const open = (panel: GridPanel) => {
    grids.last = panel;
    context.subscriptions.push(panel.panel);
  };
  // One result tab per .sql file: running it again replaces the tab (once the new result is there).
  const sqlResults = new Map<string, GridPanel>();
  const openForSql = (panel: GridPanel, document: vscode.Uri) => {
    const key = document.toString();
    sqlResults.get(key)?.panel.dispose();
    sqlResults.set(key, panel);
    panel.panel.onDidDispose(() => sqlResults.get(key) === panel && sqlResults.delete(key));
    open(panel);
  };
  const lenses = new SqlCodeLensProvider(services);
  context.subscriptions.push(
    vscode.window.createTreeView('etlSpark.gold', { treeDataProvider: tree, showCollapseAll: true }),
    vscode.commands.registerCommand(
      'etlSpark.gold.previewTable',
      guarded(services, (node?: TableNode | string) => previewTableCommand(services, open, node)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.gold.previewVersion',
      guarded(services, (node?: VersionNode) => previewVersionCommand(services, open, node)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.gold.compareVersion',
      guarded(services, (node?: VersionNode) => compareVersionCommand(services, node)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.gold.query',
      guarded(services, (sql?: string, asOf?: CatalogAsOf) => queryGoldCommand(services, open, sql, asOf)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.gold.runSqlFile',
      guarded(services, (target?: vscode.Uri, line?: number) => runSqlFileCommand(services, openForSql, target, line)),
    ),
    vscode.languages.registerCodeLensProvider(SQL_DOCUMENTS, lenses),
    vscode.workspace.registerTextDocumentContentProvider(SOURCE_ROW_SCHEME, sourceRows),
    vscode.commands.registerCommand(
      'etlSpark.gold.showSourceRow',
      guarded(services, (row?: { sourcePath?: string; sourceRow?: number }) => showSourceRowCommand(sourceRows, row)),
    ),
    services.onCredentialsChanged(() => tree.refresh()),
    // A finished step (Transform, Run Pipeline) may have written new versions; and the "stack down" welcome
    // turns into "starting" as Start Stack begins.
    services.onStepChanged((step) => (step === undefined || tree.wait !== undefined) && tree.refresh()),
  );
  return { tree, grids, lenses };
}
