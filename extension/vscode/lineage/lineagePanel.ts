import * as vscode from 'vscode';
import type { OpenTarget } from '../../core/lineage/graph';
import type { PlacedGraph } from '../../core/lineage/layout';
import { lineagePage } from '../../core/lineage/page';
import { mediaOnly, webviewHost } from '../common/webviewPage';

/**
 * The lineage graph in a webview tab (one tab, reused: a click on another column's lineage redraws it).
 * The page is core/lineage/page.ts: the SVG made in the extension host (every text escaped), its one script
 * (media/lineage.js, by nonce) only reports which target was clicked.
 */
export class LineagePanel {
  readonly panel: vscode.WebviewPanel;
  /** What is shown (the extension-host tests read it). */
  graph: PlacedGraph | undefined;
  private targets: OpenTarget[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly onOpen: (target: OpenTarget) => unknown,
  ) {
    this.panel = vscode.window.createWebviewPanel('etlSpark.lineage', 'Lineage', vscode.ViewColumn.Active,
      mediaOnly(context.extensionUri));
    this.panel.webview.onDidReceiveMessage((message: { type: string; index: number }) => {
      const target = message.type === 'open' ? this.targets[message.index] : undefined;
      if (target) void this.onOpen(target);
    });
  }

  show(graph: PlacedGraph): void {
    const { html, targets } = lineagePage(webviewHost(this.panel.webview, this.context.extensionUri), graph);
    this.graph = graph;
    this.targets = targets;
    this.panel.title = graph.title;
    this.panel.webview.html = html;
    this.panel.reveal();
  }
}
