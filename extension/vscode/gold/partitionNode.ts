import * as vscode from 'vscode';
import { formatBytes } from '../../core/extract/events';
import type { PartitionSummary } from '../../core/gold/partitions';

/** A partition of the current snapshot: its values, rows (from the log's stats), files and bytes. */
export class PartitionNode extends vscode.TreeItem {
  readonly kind = 'goldPartition';
  constructor(
    root: string,
    readonly partition: PartitionSummary,
  ) {
    super(partition.label || '(not partitioned)', vscode.TreeItemCollapsibleState.None);
    const rows = partition.rows === undefined ? '? rows' : `${partition.rows.toLocaleString('en-US')} rows`;
    this.description = `${rows} · ${partition.files.length} file(s) · ${formatBytes(partition.bytes)}`;
    this.tooltip = partition.files.map((f) => `${f.key} (${f.rows ?? '?'} rows, ${formatBytes(f.size)})`).join('\n');
    this.iconPath = new vscode.ThemeIcon('folder');
    this.contextValue = 'etlSpark.gold.partition';
    this.id = `gold:${root}:partition:${partition.label}`;
  }
}
