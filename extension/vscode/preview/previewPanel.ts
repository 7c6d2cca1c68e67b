import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RowsSelector } from '../../core/diff/model';
import { GridFeed } from '../../core/gold/feed';
import type { PreviewDiff } from '../../core/preview/compare';
import { previewRows } from '../../core/preview/compare';
import { previewPage } from '../../core/preview/html';
import { reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { GridPanel } from '../gold/gridPanel';
import { goldCatalog } from '../gold/goldTree';

type FromPage = { type: 'rows'; table: string; selector: RowsSelector };

/**
 * The "Change preview" webview: one panel, showing the latest preview's diff; each count opens the rows behind
 * it in the data grid (a catalog of its own, which the grid closes with its tab).
 */
export class PreviewPanel {
  private static current: PreviewPanel | undefined;
  readonly panel: vscode.WebviewPanel;
  /** The diff shown, and the last grid a count opened (the extension-host tests read them). */
  diff: PreviewDiff | undefined;
  lastGrid: GridPanel | undefined;

  private constructor(private readonly services: EtlServices) {
    this.panel = vscode.window.createWebviewPanel('etl.changePreview', 'Change preview', vscode.ViewColumn.Beside, {
      enableScripts: true,
      localResourceRoots: [],
      retainContextWhenHidden: true,
    });
    this.panel.onDidDispose(() => (PreviewPanel.current = undefined));
    this.panel.webview.onDidReceiveMessage((message: FromPage) => {
      if (message.type === 'rows') void this.openRows(message.table, message.selector);
    });
    services.context.subscriptions.push(this.panel);
  }

  static show(services: EtlServices, diff: PreviewDiff): PreviewPanel {
    const panel = (PreviewPanel.current ??= new PreviewPanel(services));
    panel.diff = diff;
    panel.panel.webview.html = previewPage(diff, {
      nonce: randomBytes(16).toString('base64'),
      cspSource: panel.panel.webview.cspSource,
    });
    panel.panel.reveal(undefined, true);
    return panel;
  }

  static get shown(): PreviewPanel | undefined {
    return PreviewPanel.current;
  }

  /** The rows behind one count of the shown diff, in the data grid. */
  async openRows(table: string, selector: RowsSelector): Promise<GridPanel | undefined> {
    if (!this.diff) return undefined;
    const catalog = await goldCatalog(this.services);
    try {
      const source = await previewRows(catalog, this.diff.preview, table, selector);
      this.lastGrid = new GridPanel(this.services.context, catalog, GridFeed.of(catalog, source));
      this.services.context.subscriptions.push(this.lastGrid.panel);
      return this.lastGrid;
    } catch (error) {
      await catalog.close();
      reportError(this.services, error);
      return undefined;
    }
  }
}
