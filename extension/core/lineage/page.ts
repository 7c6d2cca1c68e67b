import type { OpenTarget } from './graph';
import type { PlacedGraph } from './layout';
import { lineageSvg } from './svg';
import { escapeHtml } from '../runs/escape';
import { webviewPageHtml, type WebviewHost } from '../webview/page';

/**
 * The lineage panel's page: the graph as SVG made here (every text escaped), media/lineage.js only reports which
 * target was clicked (data-open="N" opens targets[N]).
 */
export function lineagePage(host: WebviewHost, graph: PlacedGraph): { html: string; targets: OpenTarget[] } {
  const { svg, targets } = lineageSvg(graph);
  const html = webviewPageHtml(host, {
    title: graph.title,
    style: 'lineage.css',
    script: 'lineage.js',
    body: `<header><h1>${escapeHtml(graph.title)}</h1><p>${escapeHtml(graph.source)}</p></header>
<main id="graph">${svg}</main>`,
  });
  return { html, targets };
}
