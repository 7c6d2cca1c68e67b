import * as vscode from 'vscode';
import { UsageError } from '../../core/errors';
import { readSourceRow, sourceRowText, type RowSource } from '../../core/lineage/sourceRow';
import { baseName } from '../../core/s3/paths';
import type { EtlServices } from '../common/services';
import { goldClient } from './goldTree';

/** Read-only documents of raw rows: `etl-spark-source-row:/<file> row <index>?<path>#<index>`. */
export const SOURCE_ROW_SCHEME = 'etl-spark-source-row';

/** What the grid gives: its row's source (from the row number's button, or the row's right-click context). */
interface GridRowSource {
  sourcePath?: string;
  sourceRow?: number;
}

export function sourceRowUri(source: RowSource): vscode.Uri {
  return vscode.Uri.from({ scheme: SOURCE_ROW_SCHEME, path: `/${baseName(source.path)} row ${source.index}`,
    query: source.path, fragment: String(source.index) });
}

/** The documents' text: the raw row, read from its object in the rawzone (kept: a raw object is not rewritten). */
export class SourceRowDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  constructor(private readonly services: EtlServices) {}

  async read(source: RowSource): Promise<vscode.Uri> {
    const uri = sourceRowUri(source);
    if (!this.texts.has(uri.toString()))
      this.texts.set(uri.toString(), sourceRowText(await readSourceRow(await goldClient(this.services), source)));
    return uri;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const read = await this.read({ path: uri.query, index: Number(uri.fragment) });
    return this.texts.get(read.toString()) ?? '';
  }
}

/** "Show Source Row": the raw row of the trip file a fact_trips or quarantine row came from, beside the grid. */
export async function showSourceRowCommand(
  documents: SourceRowDocuments, arg?: GridRowSource,
): Promise<vscode.TextEditor> {
  if (!arg?.sourcePath || arg.sourceRow === undefined)
    throw new UsageError('Show Source Row needs a row of fact_trips or of the quarantine',
      'open the table (Preview Table), then click a row number marked ↗ or right-click the row');
  // Read before the tab opens: a missing object fails here, with what to do, not as an empty tab.
  const uri = await documents.read({ path: arg.sourcePath, index: Number(arg.sourceRow) });
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
}
