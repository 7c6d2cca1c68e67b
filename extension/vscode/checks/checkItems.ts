import * as vscode from 'vscode';
import type { LocatedCheck, TextRange } from '../../core/checks/locate';

/** Test item ids: a table's group and a check (check names are unique in the file, so they are the ids). */
export const TABLE_PREFIX = 'table:';
export const CHECK_PREFIX = 'check:';
export const FILE_PROBLEM_ID = 'checks-file';

export const rangeOf = (range: TextRange) =>
  new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);

/** One table's checks: running it runs them all. */
export function tableItem(controller: vscode.TestController, uri: vscode.Uri, table: string): vscode.TestItem {
  const item = controller.createTestItem(`${TABLE_PREFIX}${table}`, table || '(no table)', uri);
  item.description = 'gold table';
  return item;
}

/** One check: at its `name:` line in config/checks.yaml. */
export function checkItem(controller: vscode.TestController, uri: vscode.Uri, check: LocatedCheck): vscode.TestItem {
  const item = controller.createTestItem(`${CHECK_PREFIX}${check.name}`, check.name, uri);
  item.range = rangeOf(check.range);
  item.description = [check.kind, check.severity].filter(Boolean).join(' · ');
  item.sortText = String(check.range.start.line).padStart(6, '0');
  return item;
}

/** What is wrong with the file (it does not parse, an entry has no name): an item with an error, at the first one. */
export function fileProblemItem(
  controller: vscode.TestController,
  uri: vscode.Uri,
  problems: { message: string; range: TextRange }[],
): vscode.TestItem {
  const item = controller.createTestItem(FILE_PROBLEM_ID, 'config/checks.yaml', uri);
  item.range = rangeOf(problems[0].range);
  item.error = problems.map((p) => `line ${p.range.start.line + 1}: ${p.message}`).join('\n');
  return item;
}
