import * as vscode from 'vscode';
import { formatBytes } from '../../core/extract/events';
import type { DeltaTableState } from '../../core/gold/deltaLog';
import { partitionsOf, tableBytes, tableRows } from '../../core/gold/partitions';
import type { GoldTableRef } from '../../core/gold/tables';
import { commitWhen, writtenBy } from './versionNode';

const ICONS: Record<GoldTableRef['kind'], string> = {
  fact: 'table',
  dimension: 'symbol-enum',
  mart: 'graph',
  quarantine: 'warning',
  other: 'table',
};

/**
 * A gold Delta table: rows, partitions, version and the run that last wrote it; children are its columns,
 * partitions and history.
 */
export class TableNode extends vscode.TreeItem {
  readonly kind = 'goldTable';
  constructor(
    readonly ref: GoldTableRef,
    readonly state: DeltaTableState,
  ) {
    super(ref.root.replace(/\/$/, ''), vscode.TreeItemCollapsibleState.Collapsed);
    const rows = tableRows(state);
    const last = state.history[0];
    const parts = partitionsOf(state).length;
    this.iconPath = new vscode.ThemeIcon(ICONS[ref.kind]);
    this.description = [
      ref.kind,
      rows === undefined ? undefined : `${rows.toLocaleString('en-US')} rows`,
      state.partitionColumns.length ? `${parts} partition(s)` : undefined,
      `v${state.version}`,
      last ? `by ${writtenBy(last)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    this.tooltip = new vscode.MarkdownString(
      [
        `**${ref.root}** (Delta table, version ${state.version}; SQL name \`${ref.name}\`)`,
        `${rows?.toLocaleString('en-US') ?? '?'} rows in ${state.files.length} file(s), ` +
          formatBytes(tableBytes(state)),
        state.partitionColumns.length ? `partitioned by ${state.partitionColumns.join(', ')}` : 'not partitioned',
        last ? `last written ${commitWhen(last)} by ${writtenBy(last)} (${last.operation ?? 'commit'})` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    this.contextValue = 'etlSpark.gold.table';
    this.id = `gold:${ref.root}`;
  }
}
