import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { escapeHtml } from '../../core/runs/escape';

export interface WebviewPage {
  /** The tab's title (escaped here). */
  title: string;
  /** A stylesheet and the one script of the page, both in the extension's media folder. */
  style: string;
  script: string;
  /** The body's markup before the script: every text in it already escaped by the caller. */
  body: string;
  /** Images from the media folder too (the grid's icons). */
  images?: boolean;
}

/**
 * A webview's page under a strict Content-Security-Policy: no inline code, the one script by nonce, styles
 * (and images when asked) only from the extension's media folder.
 */
export function webviewPage(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    ...(page.images ? [`img-src ${webview.cspSource}`] : []),
  ].join('; ');
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, page.style));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, page.script));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
