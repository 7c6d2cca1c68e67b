import * as vscode from 'vscode';
import { requireTrust } from '../common/services';
import type { RunsTreeProvider } from './runsTree';
import type { TaskNode } from './taskNode';

/**
 * Clear/Retry: Airflow runs the failed task (and what depends on it) again; the view follows.
 * `confirmed` (callers other than the menu: tests, other commands) skips the modal question.
 */
export async function clearTask(tree: RunsTreeProvider, node: TaskNode, confirmed = false): Promise<boolean> {
  if (!requireTrust('Retry Task')) return false;
  const { dagId, dagRunId, task } = node;
  const choice =
    confirmed ||
    (await vscode.window.showWarningMessage(
      `ETL: clear ${task.task_id} of ${dagRunId} so Airflow runs it again?`,
      { modal: true },
      'Clear and Retry',
    )) === 'Clear and Retry';
  if (!choice) return false;
  await tree.airflow().clearFailedTask(dagId, dagRunId, task.task_id);
  void vscode.window.showInformationMessage(
    `ETL: ${task.task_id} cleared; Airflow runs it again (refresh Runs to follow).`,
  );
  tree.refresh();
  return true;
}
