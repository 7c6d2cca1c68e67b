import * as vscode from 'vscode';
import type { LocatedCheck } from '../../core/checks/locate';
import { checkProblems, type CheckOutcome } from '../../core/checks/states';
import { rangeOf } from './checkItem';

export const DIAGNOSTIC_SOURCE = 'ETL checks';

/** The Problems panel: each failed check at its line in config/checks.yaml (error → Error, warn → Warning). */
export class CheckDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('etl-checks');

  /** Replaces every entry: a check that passed since, or left the file, has none. */
  update(uri: vscode.Uri, located: LocatedCheck[], outcomes: Map<string, CheckOutcome>): vscode.Diagnostic[] {
    const diagnostics = checkProblems(located, outcomes).map((problem) => {
      const severity =
        problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
      const diagnostic = new vscode.Diagnostic(rangeOf(problem.range), problem.message, severity);
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = problem.name;
      return diagnostic;
    });
    this.collection.clear();
    if (diagnostics.length) this.collection.set(uri, diagnostics);
    return diagnostics;
  }

  dispose(): void {
    this.collection.dispose();
  }
}
