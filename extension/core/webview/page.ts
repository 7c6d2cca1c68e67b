import { escapeHtml } from '../runs/escape';

/**
 * What the VS Code host gives a page (extension/vscode/common/webviewPage.ts): a fresh nonce, the webview's CSP
 * source, and the URI of a file of the extension's media folder. A test gives file:// URIs.
 */
export interface WebviewHost {
  nonce: string;
  cspSource: string;
  media: (file: string) => string;
}

export interface WebviewPage {
  /** The tab's title (escaped here). */
  title: string;
  /** A stylesheet and the one script of the page, both files of media/. */
  style: string;
  script: string;
  /** The body's markup before the script: every text in it already escaped by the caller. */
  body: string;
  /** Images from the media folder too (the grid's icons). */
  images?: boolean;
}

/**
 * The policy of every webview: nothing by default, the one script by nonce, styles (and images when asked) only
 * from the extension's media folder. No inline code, no event-handler attribute, nothing remote can run.
 */
export function webviewCsp(host: WebviewHost, images = false): string {
  return [
    "default-src 'none'",
    `style-src ${host.cspSource}`,
    `script-src 'nonce-${host.nonce}'`,
    ...(images ? [`img-src ${host.cspSource}`] : []),
  ].join('; ');
}

/** A webview's whole page under webviewCsp; data reaches it only escaped (body) or as text (the script's DOM). */
export function webviewPageHtml(host: WebviewHost, page: WebviewPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(host, page.images)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(host.media(page.style))}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
${page.body}
<script nonce="${host.nonce}" src="${escapeHtml(host.media(page.script))}"></script>
</body>
</html>`;
}
