import type * as vscode from 'vscode';
import type { TextRange } from '../../core/checks/locate';
import { rangeOf } from './checkItem';

export const FILE_PROBLEM_ID = 'checks-file';

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
