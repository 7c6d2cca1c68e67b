import * as vscode from 'vscode';
import type { RowsSelector } from '../../core/diff/model';
import type { GridSource } from '../../core/gold/catalog';
import { compareRows, compareTitle, type VersionCompare } from '../../core/gold/compareVersion';
import { GridFeed } from '../../core/gold/feed';
import type { PreviewDiff } from '../../core/preview/compare';
import { previewRows } from '../../core/preview/compare';
import { comparePage, previewPage } from '../../core/preview/html';
import { reportError } from '../common/notify';
import type { EtlServices } from '../common/services';
import { mediaOnly, webviewHost } from '../common/webviewPage';
import { GridPanel } from '../gold/gridPanel';
import { goldCatalog } from '../gold/goldTree';

type FromPage = { type: 'rows'; table: string; selector: RowsSelector };

/**
 * The "Change preview" webview: one panel, showing the latest preview's diff, or the latest Compare with Current
 * of a gold table's version (the same page, the same diff engine); each count opens the rows behind it in the data
 * grid (a catalog of its own, which the grid closes with its tab).
 */
export class PreviewPanel {
  private static current: PreviewPanel | undefined;
  readonly panel: vscode.WebviewPanel;
  /** The diff shown (a preview's or a version's compare), the last grid a count opened (the extension-host tests). */
  diff: PreviewDiff | undefined;
  compare: VersionCompare | undefined;
  lastGrid: GridPanel | undefined;

  private constructor(private readonly services: EtlServices) {
    this.panel = vscode.window.createWebviewPanel(
      'etlSpark.changePreview', 'Change preview', vscode.ViewColumn.Beside, {
      ...mediaOnly(services.context.extensionUri),
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
    panel.compare = undefined;
    panel.panel.title = 'Change preview';
    panel.panel.webview.html = previewPage(diff, panel.pageOptions());
    panel.panel.reveal(undefined, true);
    return panel;
  }

  /** Compare with Current: titled "fact_trips v3 → current (v5)". */
  static showCompare(services: EtlServices, compare: VersionCompare): PreviewPanel {
    const panel = (PreviewPanel.current ??= new PreviewPanel(services));
    panel.diff = undefined;
    panel.compare = compare;
    panel.panel.title = compareTitle(compare);
    panel.panel.webview.html = comparePage(compare, panel.pageOptions());
    panel.panel.reveal(undefined, true);
    return panel;
  }

  private pageOptions() {
    return webviewHost(this.panel.webview, this.services.context.extensionUri);
  }

  static get shown(): PreviewPanel | undefined {
    return PreviewPanel.current;
  }

  /** The rows behind one count of the shown diff, in the data grid. */
  async openRows(table: string, selector: RowsSelector): Promise<GridPanel | undefined> {
    const { diff, compare } = this;
    if (!diff && !compare) return undefined;
    const catalog = await goldCatalog(this.services);
    try {
      const source: GridSource = diff
        ? await previewRows(catalog, diff.preview, table, selector)
        : await compareRows(catalog, compare as VersionCompare, selector);
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
