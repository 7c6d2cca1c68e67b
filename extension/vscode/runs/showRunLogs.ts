import * as vscode from 'vscode';
import type { RunNode } from './runNode';

/** The run ids its log lines carry: the extraction's and the transform's. */
export function logRunIds(node: RunNode): string[] {
  const { run } = node;
  return [run.extract?.run_id, run.transform?.run_id].filter((id): id is string => !!id);
}

/** Show Logs of this run: ETL Logs filtered to its run ids (the workspace's state, not a setting), then shown. */
export async function showRunLogs(node: RunNode): Promise<string> {
  const ids = logRunIds(node);
  const filter = ids.length ? ids.join(',') : node.run.id;
  await vscode.commands.executeCommand('etlSpark.logs.showRuns', filter);
  void vscode.window
    .showInformationMessage(`ETL Logs shows run ${filter} only.`, 'Show Every Run')
    .then((choice) => choice && vscode.commands.executeCommand('etlSpark.logs.showEveryRun'));
  return filter;
}
