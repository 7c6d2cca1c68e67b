import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { checksByTable, locateChecks, type ChecksFile, type LocatedCheck } from '../../core/checks/locate';
import type { CheckOutcome } from '../../core/checks/states';
import type { EtlServices } from '../common/services';
import { workspaceRoot } from '../stack/project';
import { CheckDiagnostics } from './checkDiagnostics';
import { CHECK_PREFIX, checkItem, rangeOf, TABLE_PREFIX } from './checkItem';
import { fileProblemItem } from './fileProblemItem';
import { tableItem } from './tableItem';

export const CONTROLLER_ID = 'etlSpark.checks';
export const CONTROLLER_LABEL = 'ETL checks';

/**
 * The checks of config/checks.yaml in VS Code's Testing view (one TestController, "ETL checks": a group per table, a
 * test per check at its line) and, through `CheckDiagnostics`, in the Problems panel. Holds the latest result of each
 * check: the last transform's (lastTransform.ts), then each run's (runChecksHandler.ts).
 */
export class ChecksTesting implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(CONTROLLER_ID, CONTROLLER_LABEL);
  readonly problems = new CheckDiagnostics();
  /** The file as last read (empty before the first read, or when there is no project). */
  file: ChecksFile = { checks: [], problems: [] };
  /** The latest result of each check, by name: the last transform's, then each run's on top. */
  readonly outcomes = new Map<string, CheckOutcome>();
  /** The transform whose results were last shown (a report is shown once, not again on every refresh). */
  lastTransformRunId: string | undefined;
  /** Whether gold's reports were read once (MinIO answered), whatever they held. */
  lastTransformRead = false;
  /** The outcomes of the last run of the Run profile (the extension-host test reads them). */
  lastRun: Map<string, CheckOutcome> | undefined;
  private reading: Promise<ChecksFile> | undefined;
  private text: string | undefined;

  constructor(readonly services: EtlServices) {}

  /** config/checks.yaml of the workspace's project; undefined without a project folder. */
  get uri(): vscode.Uri | undefined {
    try {
      return vscode.Uri.file(join(workspaceRoot(), 'config', 'checks.yaml'));
    } catch {
      return undefined;
    }
  }

  get checks(): LocatedCheck[] {
    return this.file.checks;
  }

  /** Reads the file again, rebuilds the items (a read under way is joined); the Problems follow the lines. */
  refresh(): Promise<ChecksFile> {
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async read(): Promise<ChecksFile> {
    const uri = this.uri;
    if (!uri) {
      this.file = { checks: [], problems: [] };
      this.text = undefined;
      this.controller.items.replace([]);
      return this.file;
    }
    const text = await readFile(uri.fsPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    // Unchanged (a watcher event for a save without edits, a run reading it first): the items stay as they are.
    if (text === this.text && this.controller.items.size) return this.file;
    this.text = text;
    this.file = locateChecks(text);
    const groups = [...checksByTable(this.file.checks)].map(([table, checks]) => {
      const group = tableItem(this.controller, uri, table);
      group.children.replace(checks.map((check) => checkItem(this.controller, uri, check)));
      return group;
    });
    if (this.file.problems.length) {
      groups.push(fileProblemItem(this.controller, uri, this.file.problems));
      const lines = this.file.problems.map((p) => `line ${p.range.start.line + 1}: ${p.message}`);
      this.services.diagnostics.warn(`config/checks.yaml: ${lines.join('; ')}`);
    }
    this.controller.items.replace(groups);
    this.updateProblems();
    return this.file;
  }

  /** The test item of a check (undefined when the file no longer has it). */
  itemOf(name: string): vscode.TestItem | undefined {
    const check = this.checks.find((c) => c.name === name);
    return check && this.controller.items.get(`${TABLE_PREFIX}${check.table}`)?.children.get(`${CHECK_PREFIX}${name}`);
  }

  /** The check's line in the file, for a TestMessage or an output line. */
  locationOf(name: string): vscode.Location | undefined {
    const check = this.checks.find((c) => c.name === name);
    const uri = this.uri;
    return check && uri ? new vscode.Location(uri, rangeOf(check.range)) : undefined;
  }

  /** The checks a run request asks for: all of them without `include`, a table's for its group; minus `exclude`. */
  checksOf(request: vscode.TestRunRequest): LocatedCheck[] {
    const matches = (items: readonly vscode.TestItem[] | undefined, check: LocatedCheck) =>
      (items ?? []).some((i) => i.id === `${CHECK_PREFIX}${check.name}` || i.id === `${TABLE_PREFIX}${check.table}`);
    return this.checks.filter(
      (check) => (!request.include || matches(request.include, check)) && !matches(request.exclude, check),
    );
  }

  /** Takes these results as the latest of their checks and puts the failed ones in the Problems panel. */
  record(outcomes: Map<string, CheckOutcome>, replaceAll = false): void {
    if (replaceAll) this.outcomes.clear();
    for (const [name, outcome] of outcomes) this.outcomes.set(name, outcome);
    this.updateProblems();
  }

  updateProblems(): vscode.Diagnostic[] {
    const uri = this.uri;
    if (!uri) return [];
    return this.problems.update(uri, this.checks, this.outcomes);
  }

  dispose(): void {
    this.controller.dispose();
    this.problems.dispose();
  }
}
