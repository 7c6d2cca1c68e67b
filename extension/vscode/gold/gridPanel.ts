import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { GoldCatalog } from '../../core/gold/catalog';
import type { GridPage } from '../../core/gold/engine';
import type { ExportFormat, ExportResult } from '../../core/gold/export';
import type { GridFeed } from '../../core/gold/feed';
import { gridPage } from '../../core/gold/gridPage';
import type { SortSpec } from '../../core/gold/sql';
import { rowSourceOf } from '../../core/lineage/sourceRow';
import { webviewHost } from '../common/webviewPage';
import { exportGrid } from './exportGrid';

type FromGrid =
  | { type: 'ready' }
  | { type: 'page'; offset: number; sort?: SortSpec }
  | { type: 'sourceRow'; sourcePath: string; sourceRow: number }
  | { type: 'export'; format: ExportFormat };

/** Where a grid opens: the active column (the tree, the palette), or beside a .sql file's editor, keeping its focus. */
export interface GridPlacement {
  column: vscode.ViewColumn;
  preserveFocus: boolean;
}

/**
 * One data grid in a webview tab: a table preview or a query result. The webview asks for pages
 * (offset, sort); DuckDB pages and sorts; values travel as exact text. The panel owns its catalog
 * (its DuckDB) and closes it with the tab.
 */
export class GridPanel {
  /** The last page sent to the grid (the extension-host tests read it). */
  lastPage: GridPage | undefined;
  lastError: string | undefined;
  /** The last export's file and rows (the tests read it). */
  lastExport: ExportResult | undefined;
  private readonly pageEmitter = new vscode.EventEmitter<GridPage>();
  readonly onPage = this.pageEmitter.event;
  readonly panel: vscode.WebviewPanel;

  constructor(
    context: vscode.ExtensionContext,
    private readonly catalog: GoldCatalog,
    private readonly feed: GridFeed,
    placement: GridPlacement = { column: vscode.ViewColumn.Active, preserveFocus: false },
  ) {
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    const show = { viewColumn: placement.column, preserveFocus: placement.preserveFocus };
    this.panel = vscode.window.createWebviewPanel('etlSpark.gold.grid', feed.title, show, {
      enableScripts: true,
      localResourceRoots: [media],
      retainContextWhenHidden: true,
    });
    this.panel.webview.html = gridPage(webviewHost(this.panel.webview, context.extensionUri), feed.title);
    this.panel.webview.onDidReceiveMessage((message: FromGrid) => void this.answer(message));
    this.panel.onDidDispose(() => {
      this.pageEmitter.dispose();
      void this.catalog.close();
    });
  }

  /** Sends a page; the same path the webview's buttons take (tests call it too). */
  async show(offset: number, sort?: SortSpec): Promise<GridPage | undefined> {
    try {
      const page = await this.feed.page(offset, sort);
      this.lastPage = page;
      this.lastError = undefined;
      // table: a preview's gold table, for the column headers' Show Lineage (a query result has none); sources:
      // each row's raw file and index, when it has them (Show Source Row).
      const names = page.columns.map((c) => c.name);
      const sources = page.rows.map((cells) => rowSourceOf(names, cells));
      await this.panel.webview.postMessage({ type: 'page', page, table: this.feed.tableRoot, sources });
      this.pageEmitter.fire(page);
      return page;
    } catch (error) {
      this.lastError = describeError(error);
      await this.panel.webview.postMessage({ type: 'error', message: this.lastError });
      return undefined;
    }
  }

  /**
   * Every row of the result, in the grid's current sort, to a CSV or Parquet file (the grid's Export buttons; a test
   * gives `target` and no dialog opens). The grid says how it went.
   */
  async exportTo(format: ExportFormat, target?: string): Promise<ExportResult | undefined> {
    try {
      const result = await exportGrid(this.feed, format, this.lastPage?.sort, target);
      if (result) this.lastExport = result;
      const text = result && `exported ${result.rows.toLocaleString('en-US')} row(s) to ${result.path}`;
      await this.panel.webview.postMessage({ type: 'exported', text });
      return result;
    } catch (error) {
      this.lastError = describeError(error);
      await this.panel.webview.postMessage({ type: 'exported' });
      await this.panel.webview.postMessage({ type: 'error', message: this.lastError });
      void vscode.window.showErrorMessage(`ETL: ${this.lastError.replace(/\n\s*→ /, ' — ')}`);
      return undefined;
    }
  }

  private async answer(message: FromGrid): Promise<void> {
    if (message.type === 'ready') await this.show(0);
    else if (message.type === 'page') await this.show(message.offset, message.sort);
    else if (message.type === 'sourceRow') {
      const { sourcePath, sourceRow } = message;
      await vscode.commands.executeCommand('etlSpark.gold.showSourceRow', { sourcePath, sourceRow });
    } else if (message.type === 'export') await this.exportTo(message.format === 'parquet' ? 'parquet' : 'csv');
  }
}
