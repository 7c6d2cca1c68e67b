import { escapeHtml } from '../runs/escape';
import { webviewPageHtml, type WebviewHost } from '../webview/page';

/**
 * The data grid's page: media/gold-grid.js fills the table from the host's messages, every value as text; VS Code's
 * theme variables give every colour.
 */
export function gridPage(host: WebviewHost, title: string): string {
  return webviewPageHtml(host, {
    title,
    style: 'gold-grid.css',
    script: 'gold-grid.js',
    images: true,
    body: `<header>
  <h1 id="title">${escapeHtml(title)}</h1>
  <nav aria-label="Pages">
    <button id="first" title="First page (Home)" aria-label="First page">«</button>
    <button id="prev" title="Previous page (Page Up)" aria-label="Previous page">‹</button>
    <span id="range" role="status" aria-live="polite">loading…</span>
    <button id="next" title="Next page (Page Down)" aria-label="Next page">›</button>
    <button id="last" title="Last page (End)" aria-label="Last page">»</button>
  </nav>
  <div class="actions" role="group" aria-label="Export">
    <button id="exportCsv" title="Export every row, in this sort, to a CSV file">Export CSV…</button>
    <button id="exportParquet" title="Export every row, in this sort, to a Parquet file">Export Parquet…</button>
  </div>
</header>
<div id="message" role="alert" hidden></div>
<div id="notice" role="status" aria-live="polite" hidden></div>
<div id="scroll" tabindex="0" aria-label="Rows">
  <table id="grid" role="grid"><thead></thead><tbody></tbody></table>
</div>`,
  });
}
