import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewHost } from '../../core/webview/page';

/**
 * The host side of a webview page (core/webview/page.ts builds the HTML under its strict CSP): a fresh nonce, the
 * webview's CSP source, the URIs of the media folder.
 */
export function webviewHost(webview: vscode.Webview, extensionUri: vscode.Uri): WebviewHost {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  return {
    nonce: randomBytes(16).toString('base64'),
    cspSource: webview.cspSource,
    media: (file) => webview.asWebviewUri(vscode.Uri.joinPath(media, file)).toString(),
  };
}

/** Options of a webview panel whose page loads only the extension's media folder. */
export const mediaOnly = (extensionUri: vscode.Uri): vscode.WebviewOptions => ({
  enableScripts: true,
  localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
});

