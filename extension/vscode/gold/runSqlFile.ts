import { basename } from 'node:path';
import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import { GridFeed } from '../../core/gold/feed';
import { splitStatements, statementAt, type SqlStatement } from '../../core/gold/statements';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';

const NOTHING = 'type a SELECT over the gold tables, e.g. SELECT * FROM fact_trips LIMIT 10';

/** The SQL to run and the line it starts on: the selection, the lens's statement, or the statement at the cursor. */
function sqlToRun(document: vscode.TextDocument, line?: number): { sql: string; line: number } {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const selection = line === undefined && editor && !editor.selection.isEmpty ? editor.selection : undefined;
  if (selection) {
    const found = splitStatements(document.getText(selection));
    if (found.length !== 1)
      throw new EtlError(
        found.length ? `the selection holds ${found.length} statements` : 'the selection holds no SQL statement',
        found.length ? 'select one statement, or click the Run on Gold lens above it' : NOTHING,
      );
    const start = document.offsetAt(selection.start) + found[0].start;
    return { sql: found[0].text, line: document.positionAt(start).line };
  }
  const statements = splitStatements(document.getText());
  const onLine = (s: SqlStatement) => document.positionAt(s.start).line === line;
  const cursor = editor ? document.offsetAt(editor.selection.active) : 0;
  const chosen =
    line === undefined
      ? statementAt(statements, cursor)
      : (statements.find(onLine) ?? statementAt(statements, document.offsetAt(new vscode.Position(line, 0))));
  if (!chosen) throw new EtlError(`${basename(document.fileName)} holds no SQL statement`, NOTHING);
  return { sql: chosen.text, line: document.positionAt(chosen.start).line };
}

/**
 * "Run on Gold": a statement of a .sql file (the selection, a CodeLens's statement, else the one at the cursor) over
 * the current gold tables, its result in the same grid as Query Gold…, beside the editor. `target`: the file (the
 * editor title's or a lens's Uri; default the active editor's); `line`: the line a lens's statement starts on.
 */
export async function runSqlFileCommand(
  services: EtlServices,
  open: (panel: GridPanel, document: vscode.Uri) => void,
  target?: vscode.Uri,
  line?: number,
): Promise<GridPanel | undefined> {
  const document =
    target instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(target)
      : vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== 'sql')
    throw new EtlError('no SQL file to run', 'open a .sql file of the workspace, then Run on Gold (Ctrl+Alt+Enter)');
  const { sql, line: at } = sqlToRun(document, typeof line === 'number' ? line : undefined);
  const title = `Query: ${basename(document.fileName)}:${at + 1}`;
  const catalog = await goldCatalog(services);
  const feed = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ETL: running ${title.slice(7)} on gold…` },
    async () => {
      try {
        return await GridFeed.query(catalog, sql, title);
      } catch (error) {
        await catalog.close();
        throw error;
      }
    },
  );
  // Beside the SQL, the focus left in its editor: edit, run again.
  const panel = new GridPanel(services.context, catalog, feed, {
    column: vscode.ViewColumn.Beside,
    preserveFocus: true,
  });
  open(panel, document.uri);
  return panel;
}
