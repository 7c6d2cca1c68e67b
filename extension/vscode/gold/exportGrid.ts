import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat, ExportResult } from '../../core/gold/export';
import { withExtension } from '../../core/gold/export';
import type { GridFeed } from '../../core/gold/feed';
import type { SortSpec } from '../../core/gold/sql';

const FILTERS: Record<ExportFormat, Record<string, string[]>> = {
  csv: { 'CSV (comma-separated, with a header)': ['csv'] },
  parquet: { Parquet: ['parquet'] },
};

/** Where to save: the save dialog, starting in the workspace folder with a name after the table or the query. */
async function askTarget(feed: GridFeed, format: ExportFormat): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const name = `${feed.exportStem}.${format}`;
  const chosen = await vscode.window.showSaveDialog({
    title: `Export every row of ${feed.title} as ${format === 'csv' ? 'CSV' : 'Parquet'}`,
    saveLabel: 'Export',
    defaultUri: vscode.Uri.file(folder ? join(folder, name) : name),
    filters: FILTERS[format],
  });
  return chosen?.fsPath;
}

/**
 * Export of a grid's whole result (every page, in its current sort) to CSV or Parquet, by DuckDB. `target`: a path
 * given by a test (no dialog). Undefined when the user cancelled the dialog.
 */
export async function exportGrid(
  feed: GridFeed,
  format: ExportFormat,
  sort: SortSpec | undefined,
  target?: string,
): Promise<ExportResult | undefined> {
  const chosen = target ?? (await askTarget(feed, format));
  if (!chosen) return undefined;
  const path = withExtension(chosen, format);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ETL: exporting to ${basename(path)}…` },
    () => feed.export(path, format, sort),
  );
  const rows = `${result.rows.toLocaleString('en-US')} row(s)`;
  // Not awaited: the grid says so too, and a test must not wait for a click.
  if (target === undefined) {
    const open = format === 'csv' ? ['Open File'] : [];
    void vscode.window.showInformationMessage(`ETL: exported ${rows} to ${path}`, ...open).then((choice) => {
      if (choice) void vscode.window.showTextDocument(vscode.Uri.file(path));
    });
  }
  return result;
}
