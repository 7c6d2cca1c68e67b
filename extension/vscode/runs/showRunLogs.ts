import * as vscode from 'vscode';
import type { PipelineRun } from '../../core/runs/join';
import type { RunNode } from './runNode';

/** The run ids its log lines carry (the extraction's and the transform's), joined for the ETL Logs run filter. */
export function logFilterOf(run: PipelineRun): string {
  const ids = [run.extract?.run_id, run.transform?.run_id].filter((id): id is string => !!id);
  return ids.length ? ids.join(',') : run.id;
}

/** ETL Logs filtered to `filter` (the workspace's state, not a setting), then shown, with a way back to every run. */
export async function showLogsOf(filter: string): Promise<string> {
  await vscode.commands.executeCommand('etlSpark.logs.showRuns', filter);
  void vscode.window
    .showInformationMessage(`ETL Logs shows run ${filter} only.`, 'Show Every Run')
    .then((choice) => choice && vscode.commands.executeCommand('etlSpark.logs.showEveryRun'));
  return filter;
}

/** Show Logs of This Run (a row of the Runs view). */
export async function showRunLogs(node: RunNode): Promise<string> {
  return showLogsOf(logFilterOf(node.run));
}
