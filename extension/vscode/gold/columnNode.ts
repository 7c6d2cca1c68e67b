import * as vscode from 'vscode';
import type { DeltaColumn } from '../../core/gold/deltaLog';

/** A column: name, Delta type, and whether it is a partition column (stored in the log, not the files). */
export class ColumnNode extends vscode.TreeItem {
  readonly kind = 'goldColumn';
  constructor(
    readonly root: string,
    readonly column: DeltaColumn,
  ) {
    super(column.name, vscode.TreeItemCollapsibleState.None);
    const notes = [column.partition ? 'partition' : undefined, column.nullable ? undefined : 'not null'];
    this.description = [column.type, ...notes].filter(Boolean).join(' · ');
    this.iconPath = new vscode.ThemeIcon(column.partition ? 'symbol-key' : 'symbol-field');
    this.contextValue = 'etlSpark.gold.column';
    this.id = `gold:${root}:column:${column.name}`;
  }
}
