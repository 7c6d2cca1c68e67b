import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The grid's page: a strict Content-Security-Policy (no inline code; the one script runs by nonce,
 * styles only from the extension's media folder), VS Code's theme variables for every colour.
 */
export function gridHtml(webview: vscode.Webview, media: vscode.Uri, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'gold-grid.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'gold-grid.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escaped}</title>
</head>
<body>
<header>
  <h1 id="title">${escaped}</h1>
  <nav aria-label="Pages">
    <button id="first" title="First page (Home)" aria-label="First page">«</button>
    <button id="prev" title="Previous page (Page Up)" aria-label="Previous page">‹</button>
    <span id="range" role="status" aria-live="polite">loading…</span>
    <button id="next" title="Next page (Page Down)" aria-label="Next page">›</button>
    <button id="last" title="Last page (End)" aria-label="Last page">»</button>
  </nav>
</header>
<div id="message" role="alert" hidden></div>
<div id="scroll" tabindex="0" aria-label="Rows">
  <table id="grid" role="grid"><thead></thead><tbody></tbody></table>
</div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
