import type * as vscode from 'vscode';
import { TABLE_PREFIX } from './checkItem';

/** One table's checks: running it runs them all. */
export function tableItem(controller: vscode.TestController, uri: vscode.Uri, table: string): vscode.TestItem {
  const item = controller.createTestItem(`${TABLE_PREFIX}${table}`, table || '(no table)', uri);
  item.description = 'gold table';
  return item;
}
