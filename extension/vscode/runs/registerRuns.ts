import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { clearTask } from './clearTask';
import { compareWithPrevious } from './compareWithPrevious';
import { filterLogsByRun } from './filterLogsByRun';
import { openInSparkHistory } from './openInSparkHistory';
import { openQualityReport } from './openQualityReport';
import { rerun } from './rerun';
import { restoreBeforeRun, type RestoreAnswer } from './restoreBeforeRun';
import type { RunNode } from './runNode';
import { RunsTreeProvider } from './runsTree';
import { showRunLogs } from './showRunLogs';
import { showTaskLog } from './showTaskLog';
import type { SparkAppNode } from './sparkAppNode';
import type { TaskNode } from './taskNode';

/** Commands return their result (tests use it); errors end in one notification. */
function returning<A extends unknown[], R>(services: EtlServices, fn: (...args: A) => Promise<R>) {
  return async (...args: A): Promise<R | undefined> => {
    let result: R | undefined;
    await guarded(services, async (...inner: A) => {
      result = await fn(...inner);
    })(...args);
    return result;
  };
}

export function registerRuns(context: vscode.ExtensionContext, services: EtlServices): RunsTreeProvider {
  const tree = new RunsTreeProvider(services);
  const command = <A extends unknown[], R>(id: string, fn: (...args: A) => Promise<R>) =>
    vscode.commands.registerCommand(id, returning(services, fn));
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('etlSpark.runs', tree),
    command('etlSpark.runs.showLogs', (node: RunNode) => showRunLogs(node)),
    command('etlSpark.logs.filterRuns', (runId?: string) => filterLogsByRun(tree, runId)),
    command('etlSpark.runs.openReport', (node?: RunNode) => openQualityReport(context.extensionUri, tree, node)),
    command('etlSpark.runs.compare', (node: RunNode) => compareWithPrevious(context.extensionUri, tree, node)),
    command('etlSpark.runs.rerun', (node: RunNode) => rerun(node)),
    command('etlSpark.runs.restoreBefore', (node: RunNode, answer?: RestoreAnswer) =>
      restoreBeforeRun(services, node, answer),
    ),
    command('etlSpark.runs.openInSparkHistory', (node: SparkAppNode | RunNode) => openInSparkHistory(services, node)),
    command('etlSpark.runs.showTaskLog', (node: TaskNode) => showTaskLog(tree, node)),
    command('etlSpark.runs.clearTask',
      (node: TaskNode, confirmed?: boolean) => clearTask(tree, node, confirmed === true)),
    // "The stack is down" turns into "starting" as Start Stack begins (and into the transforms as MinIO runs:
    // stackChanged).
    services.onStepChanged(() => tree.wait !== undefined && tree.refresh()),
  );
  return tree;
}
