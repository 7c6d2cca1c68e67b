import * as vscode from 'vscode';
import { findOrigins, locateOrigin } from '../../core/logs/origin';
import type { EtlServices } from '../common/services';

/** The language of the "ETL Logs" channel and of the search results: their `(file.py:42)` open the code. */
export const ETL_LOGS_LANGUAGE = 'etl-logs';

class OriginLink extends vscode.DocumentLink {
  constructor(
    range: vscode.Range,
    readonly file: string,
    readonly line: number,
  ) {
    super(range);
    this.tooltip = `Open ${file} at line ${line}`;
  }
}

/** Links each log line's code origin to the file and line (resolved lazily: a search walks src/). */
export class OriginLinkProvider implements vscode.DocumentLinkProvider<OriginLink> {
  constructor(private readonly services: EtlServices) {}

  provideDocumentLinks(document: vscode.TextDocument): OriginLink[] {
    const links: OriginLink[] = [];
    for (let n = 0; n < document.lineCount; n += 1) {
      for (const origin of findOrigins(document.lineAt(n).text)) {
        links.push(new OriginLink(new vscode.Range(n, origin.start, n, origin.end), origin.file, origin.line));
      }
    }
    return links;
  }

  resolveDocumentLink(link: OriginLink): OriginLink {
    const path = locateOrigin(this.services.project().paths.root, link.file);
    // `#L42` opens the file at that line; an unknown file stays a link-less range.
    if (path) link.target = vscode.Uri.file(path).with({ fragment: `L${link.line}` });
    return link;
  }
}

export function registerOriginLinks(services: EtlServices): vscode.Disposable {
  return vscode.languages.registerDocumentLinkProvider(
    { language: ETL_LOGS_LANGUAGE },
    new OriginLinkProvider(services),
  );
}
