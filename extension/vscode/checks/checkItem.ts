import * as vscode from 'vscode';
import type { LocatedCheck, TextRange } from '../../core/checks/locate';

/** Test item ids: a table's group and a check (check names are unique in the file, so they are the ids). */
export const TABLE_PREFIX = 'table:';
export const CHECK_PREFIX = 'check:';

export const rangeOf = (range: TextRange) =>
  new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);

/** One check: at its `name:` line in config/checks.yaml. */
export function checkItem(controller: vscode.TestController, uri: vscode.Uri, check: LocatedCheck): vscode.TestItem {
  const item = controller.createTestItem(`${CHECK_PREFIX}${check.name}`, check.name, uri);
  item.range = rangeOf(check.range);
  item.description = [check.kind, check.severity].filter(Boolean).join(' · ');
  item.sortText = String(check.range.start.line).padStart(6, '0');
  return item;
}
