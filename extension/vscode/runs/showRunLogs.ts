import * as vscode from 'vscode';
import type { RunNode } from './runNode';

/** The run ids its log lines carry: the extraction's and the transform's. */
export function logRunIds(node: RunNode): string[] {
  const { run } = node;
  return [run.extract?.run_id, run.transform?.run_id].filter((id): id is string => !!id);
}

/** Show Logs of this run: the ETL Logs filter set to its run ids, then the stream shown. */
export async function showRunLogs(node: RunNode): Promise<string> {
  const ids = logRunIds(node);
  const filter = ids.length ? ids.join(',') : node.run.id;
  await vscode.workspace.getConfiguration('etl.logs').update('runId', filter, vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('etl.showLogs');
  void vscode.window.showInformationMessage(
    `ETL Logs shows run ${filter} only; clear "etl.logs.runId" to see every run.`,
  );
  return filter;
}
