import * as vscode from 'vscode';
import type { ExtractResult } from '../../core/extract/run';
import { monthsLabel } from '../../core/runs/labels';
import { rerunPlan } from '../../core/runs/rerun';
import { requireTrust } from '../common/services';
import type { RunNode } from './runNode';

/** Re-run: the same months from the same source, the same way (a DAG run again, or extract then transform). */
export async function rerun(node: RunNode): Promise<boolean> {
  if (!requireTrust('Re-run')) return false;
  const plan = rerunPlan(node.run);
  if (plan.kind === 'dag') {
    return !!(await vscode.commands.executeCommand('etlSpark.triggerDag', plan.request));
  }
  let transformRun = plan.transformRun;
  if (plan.extract) {
    const extracted = await vscode.commands.executeCommand<ExtractResult | undefined>('etlSpark.extract', plan.extract);
    if (!extracted) return false;
    transformRun = extracted.runId;
  }
  if (!plan.transform) return true;
  const done = await vscode.commands.executeCommand<boolean>(
    'etlSpark.transform',
    transformRun ? { run: transformRun } : {},
  );
  if (done) void vscode.window.showInformationMessage(`ETL: re-run of ${monthsLabel(node.run.months)} finished`);
  return !!done;
}
