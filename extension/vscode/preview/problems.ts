import * as vscode from 'vscode';
import type { PreviewError } from '../../core/preview/run';

/** The Problems panel's entries of Preview Change: the edited code's error at its file and line. */
export class PreviewProblems {
  readonly collection = vscode.languages.createDiagnosticCollection('etlSpark.preview');

  clear(): void {
    this.collection.clear();
  }

  /** One error where the code is; returns its location when the error names one. */
  report(error: PreviewError): vscode.Location | undefined {
    this.collection.clear();
    if (!error.file || !error.line) return undefined;
    const uri = vscode.Uri.file(error.file);
    const line = Math.max(0, error.line - 1);
    const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(range, firstLine(error), vscode.DiagnosticSeverity.Error);
    diagnostic.source = 'ETL: Preview Change';
    this.collection.set(uri, [diagnostic]);
    return new vscode.Location(uri, range);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/** The message without its `file:line: ` prefix (the Problems panel shows the place). */
const firstLine = (error: PreviewError) =>
  error.message.replace(`${error.file}:${error.line}: `, '').split('\n')[0];
