import * as vscode from 'vscode';
import { splitStatements } from '../../core/gold/statements';
import type { EtlServices } from '../common/services';

/** The .sql documents the lens is for: files of the workspace and untitled ones (Save as SQL File's, a new one). */
export const SQL_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'sql', scheme: 'file' },
  { language: 'sql', scheme: 'untitled' },
];

/**
 * "▶ Run on Gold" above each statement of a .sql file, in an ETL Spark project only. The lens passes the file and
 * the statement's first line, so the command runs exactly that statement even if the cursor is elsewhere.
 */
export class SqlCodeLensProvider implements vscode.CodeLensProvider {
  constructor(private readonly services: EtlServices) {}

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.services.isProjectFolder()) return [];
    return splitStatements(document.getText()).map((statement) => {
      const line = document.positionAt(statement.start).line;
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: '$(play) Run on Gold',
        tooltip: 'Run this statement over the gold tables (DuckDB); the result opens in the grid beside',
        command: 'etlSpark.gold.runSqlFile',
        arguments: [document.uri, line],
      });
    });
  }
}
