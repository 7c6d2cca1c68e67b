import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import type { RestoreReport } from '../../core/restore/events';
import { describeRestoreEvent } from '../../core/restore/events';
import { loadRestorePlan } from '../../core/restore/load';
import { describePlan, newRestoreId, restoreSteps, type RestorePlan } from '../../core/restore/plan';
import { runRestore } from '../../core/restore/run';
import { endpointOf, s3Client } from '../../core/s3/client';
import { explainS3Error } from '../../core/s3/errors';
import { requireTrust, type EtlServices } from '../common/services';
import type { RunNode } from './runNode';

/** The tests answer the modal themselves: 'cancel' returns the plan unchanged, 'confirm' restores. */
export type RestoreAnswer = 'confirm' | 'cancel';

/**
 * Restore Gold to Before This Run: the same core as `etl restore --before-run` (plan, then python -m etl.restore),
 * after a modal that lists what changes. Returns the report, or the plan when nothing ran (declined, nothing to do).
 */
export async function restoreBeforeRun(
  services: EtlServices,
  node: RunNode,
  answer?: RestoreAnswer,
): Promise<RestoreReport | RestorePlan | undefined> {
  if (!requireTrust('Restore Gold')) return undefined;
  const runId = node.run.transform?.run_id;
  if (!runId) throw new EtlError('this run wrote nothing to gold (it has no transform)', 'pick a run with a report');
  const config = services.project();
  const plan = await loadRestorePlan(config, s3Client(config, await services.credentials()), runId).catch(
    (error: unknown) => {
      throw explainS3Error(error, endpointOf(config));
    },
  );
  const [head, ...lines] = describePlan(plan);
  if (!restoreSteps(plan).length) {
    void vscode.window.showInformationMessage(`ETL: ${head}`);
    return plan;
  }
  const confirmed =
    answer ??
    ((await vscode.window.showWarningMessage(
      `Restore gold to before run ${runId}?`,
      {
        modal: true,
        detail: `${lines.map((l) => l.trim()).join('\n')}\n\nOne Delta RESTORE commit per table; it can be undone ` +
          'by restoring to before this restore.',
      },
      'Restore',
    )) === 'Restore'
      ? 'confirm'
      : 'cancel');
  if (confirmed !== 'confirm') return plan;
  const env = await services.stepEnv();
  const report = await services.runStep('restore', async () =>
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ETL: ${head}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const { mode } = await services.stack();
        return runRestore(config, { plan, restoreId: newRestoreId(), mode, env }, (event) => {
          services.diagnostics.info(`restore: ${JSON.stringify(event)}`);
          const text = describeRestoreEvent(event);
          if (text) progress.report({ message: text });
        }, controller.signal);
      },
    ),
  ).finally(() => vscode.commands.executeCommand('etlSpark.refresh'));
  void vscode.window.showInformationMessage(
    `ETL: restored ${report.restored.join(', ')} to before run ${runId} (restore ${report.run_id})`,
  );
  return report;
}
