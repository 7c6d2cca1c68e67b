import * as vscode from 'vscode';
import type { OpenTarget } from '../../core/lineage/graph';
import type { PlacedGraph } from '../../core/lineage/layout';
import { lineageSvg } from '../../core/lineage/svg';
import { escapeHtml } from '../../core/runs/escape';
import { webviewPage } from '../common/webviewPage';

/**
 * The lineage graph in a webview tab (one tab, reused: a click on another column's lineage redraws it).
 * The SVG is made in the extension host (core/lineage/svg, every text escaped); the page's one script
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
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel('etlSpark.lineage', 'Lineage', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    this.panel.webview.onDidReceiveMessage((message: { type: string; index: number }) => {
      const target = message.type === 'open' ? this.targets[message.index] : undefined;
      if (target) void this.onOpen(target);
    });
  }

  show(graph: PlacedGraph): void {
    const { svg, targets } = lineageSvg(graph);
    this.graph = graph;
    this.targets = targets;
    this.panel.title = graph.title;
    this.panel.webview.html = this.html(graph, svg);
    this.panel.reveal();
  }

  private html(graph: PlacedGraph, svg: string): string {
    return webviewPage(this.panel.webview, this.context.extensionUri, {
      title: graph.title,
      style: 'lineage.css',
      script: 'lineage.js',
      body: `<header><h1>${escapeHtml(graph.title)}</h1><p>${escapeHtml(graph.source)}</p></header>
<main id="graph">${svg}</main>`,
    });
  }
}
