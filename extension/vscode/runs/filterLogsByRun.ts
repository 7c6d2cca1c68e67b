import * as vscode from 'vscode';
import { runLabels } from '../../core/runs/labels';
import type { RunsTreeProvider } from './runsTree';
import { logFilterOf, showLogsOf } from './showRunLogs';

const EVERY_RUN = 'Every run';

/**
 * ETL: Filter Logs by Run… — the filter UI of ETL Logs: a quick pick of the Runs view's runs (newest first) and
 * "Every run". `runId` (a test, a link) skips the pick: a run's id, or '' for every run. Returns the filter set.
 */
export async function filterLogsByRun(tree: RunsTreeProvider, runId?: string): Promise<string | undefined> {
  const runs = await tree.runs();
  const chosen =
    runId !== undefined
      ? runId
      : (
          await vscode.window.showQuickPick(
            [
              { label: EVERY_RUN, description: 'no filter', id: '' },
              ...runs.map((run) => ({ ...runLabels(run), id: run.id })),
            ],
            { title: 'ETL Logs: show the lines of which run?', matchOnDescription: true },
          )
        )?.id;
  if (chosen === undefined) return undefined;
  if (chosen === '') {
    await vscode.commands.executeCommand('etlSpark.logs.showEveryRun');
    return '';
  }
  const run = runs.find((r) => r.id === chosen);
  if (!run) throw new Error(`no run ${chosen} in the Runs view; refresh it, or pick one from the list`);
  return showLogsOf(logFilterOf(run));
}
