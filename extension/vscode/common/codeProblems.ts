import * as vscode from 'vscode';
import { reportError } from './notify';
import type { EtlServices } from './services';

/** A failure of the project's code: what, and where when known (a path of this machine, a 1-based line). */
export interface CodeProblem {
  message: string;
  file?: string;
  line?: number;
  /** What ran (the Problems panel's source column); the collection's default otherwise. */
  source?: string;
}

/** Entries of the Problems panel for one kind of run (Preview Change, the ETL steps): at most one error each. */
export class CodeProblems {
  readonly collection: vscode.DiagnosticCollection;
  /** The error reported last (until cleared): a task prints it for its problem matcher. */
  last: CodeProblem | undefined;

  /** `name`: the collection's owner (also the `$etlSpark` problem matcher's, so a task's match replaces ours). */
  constructor(name: string, private readonly source: string) {
    this.collection = vscode.languages.createDiagnosticCollection(name);
  }

  clear(): void {
    this.collection.clear();
    this.last = undefined;
  }

  /** One error where the code is; returns its location when the error names one. */
  report(problem: CodeProblem): vscode.Location | undefined {
    this.clear();
    this.last = problem;
    if (!problem.file || !problem.line) return undefined;
    const uri = vscode.Uri.file(problem.file);
    const line = Math.max(0, problem.line - 1);
    const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    const diagnostic = new vscode.Diagnostic(range, problem.message.split('\n')[0], vscode.DiagnosticSeverity.Error);
    diagnostic.source = problem.source ?? this.source;
    this.collection.set(uri, [diagnostic]);
    return new vscode.Location(uri, range);
  }

  dispose(): void {
    this.collection.dispose();
  }
}

/**
 * A code failure as a user meets it: the Problems panel entry, then the error's notification (reportError) whose
 * "Go to Error" opens the line. Not awaited: the command ends now; the button works while the toast shows.
 */
export function showCodeProblem(
  services: EtlServices, problems: CodeProblems, problem: CodeProblem, title: string, error: unknown,
): void {
  const location = problems.report(problem);
  void reportError(services, error, title, ...(location ? ['Go to Error'] : [])).then((choice) =>
    choice && location ? vscode.window.showTextDocument(location.uri, { selection: location.range }) : undefined,
  );
}
