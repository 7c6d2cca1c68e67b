import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { CatalogAsOf } from '../../core/gold/asOf';
import { sqlFileName, sqlFilePathProblem, sqlFileText } from '../../core/gold/sqlFile';

const SAVE = 'Save as SQL File';

/**
 * After a Query Gold… result: a notification offers to keep the query in a .sql file of the workspace (queries/…,
 * a name the user confirms), opened in an editor where its Run on Gold lens reruns it. Not awaited by the query.
 */
export async function offerSqlFile(sql: string, asOf?: CatalogAsOf): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) return;
  const choice = await vscode.window.showInformationMessage(
    'ETL: the query ran. Keep it in a .sql file to edit it and run it again from the editor (Run on Gold).',
    SAVE,
  );
  if (choice === SAVE) await saveQueryAsSqlFile(folder, sql, asOf);
}

/** Asks for the name (queries/<after its tables>.sql), writes the file, opens it. Returns its path. */
export async function saveQueryAsSqlFile(folder: string, sql: string, asOf?: CatalogAsOf): Promise<string | undefined> {
  const proposed = sqlFileName(sql, (relative) => existsSync(join(folder, relative)));
  const relative = await vscode.window.showInputBox({
    title: 'Save as SQL File (a path in the workspace folder)',
    prompt: 'The query is saved there and opens in an editor: its Run on Gold lens runs it again',
    value: proposed,
    valueSelection: [proposed.lastIndexOf('/') + 1, proposed.length - '.sql'.length],
    ignoreFocusOut: true,
    validateInput: (value) =>
      sqlFilePathProblem(value) ??
      (existsSync(join(folder, value.trim())) ? `${value.trim()} exists: choose another name` : undefined),
  });
  if (!relative) return undefined;
  const path = join(folder, relative.trim());
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, sqlFileText(sql, asOf), { flag: 'wx' });
  await vscode.window.showTextDocument(vscode.Uri.file(path));
  return path;
}
