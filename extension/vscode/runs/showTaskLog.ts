import * as vscode from 'vscode';
import type { RunsTreeProvider } from './runsTree';
import type { TaskNode } from './taskNode';

/** Show Log: the task try's Airflow log in an editor (plain text, read-only until saved). */
export async function showTaskLog(tree: RunsTreeProvider, node: TaskNode): Promise<vscode.TextDocument> {
  const { dagId, dagRunId, task } = node;
  const lines = await tree.airflow().taskLog(dagId, dagRunId, task.task_id, Math.max(1, task.try_number));
  const header = `# ${dagId} / ${dagRunId} / ${task.task_id}, try ${task.try_number}: ${task.state ?? 'no state'}\n`;
  const document = await vscode.workspace.openTextDocument({ content: header + lines.join('\n'), language: 'log' });
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}
