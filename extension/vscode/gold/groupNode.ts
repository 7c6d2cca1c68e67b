import * as vscode from 'vscode';
import type { TableNode } from './tableNode';

export type GroupKind = 'columns' | 'partitions' | 'history';

/** "Columns (24)", "Partitions (2)", "History (13 versions)" under a table. */
export class GroupNode extends vscode.TreeItem {
  readonly kind = 'goldGroup';
  constructor(
    readonly table: TableNode,
    readonly group: GroupKind,
    count: number,
  ) {
    const label = {
      columns: `Columns (${count})`,
      partitions: `Partitions (${count})`,
      history: `History (${count} version(s) in the log)`,
    }[group];
    super(label, count ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(
      { columns: 'symbol-field', partitions: 'folder-library', history: 'history' }[group],
    );
    this.contextValue = `etlSpark.gold.${group}`;
    this.id = `gold:${table.ref.root}:${group}`;
  }
}
