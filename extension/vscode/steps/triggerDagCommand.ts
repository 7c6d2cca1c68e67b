import * as vscode from 'vscode';
import type { BackfillRequest, BackfillResult } from '../../core/airflow/backfill';
import { AirflowClient } from '../../core/airflow/client';
import { describeChange, MONTH, PIPELINE_DAG, type TriggerRequest } from '../../core/airflow/pipelineRun';
import { failureSummary, triggerPipeline, WatchStopped, type TriggerResult } from '../../core/airflow/trigger';
import { requireTrust, WaitCancelled, type EtlServices } from '../common/services';
import { askRange, backfillCommand } from './backfillCommand';

/** One run now (a month, or the latest), or a backfill of a month range. */
async function askRequest(): Promise<TriggerRequest | BackfillRequest | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: 'One run now', description: 'a month, or the latest the TLC has published', value: 'run' },
      { label: 'A range of months (backfill)', description: 'one Airflow run per month, one at a time; a month '
        + 'that fails stops no other', value: 'backfill' },
    ],
    { title: `ETL: Trigger DAG ${PIPELINE_DAG}` },
  );
  if (!kind) return undefined;
  let months: string | undefined;
  let month: string | undefined;
  if (kind.value === 'backfill') {
    months = await askRange();
    if (!months) return undefined;
  } else {
    month = await askMonth();
    if (month === undefined) return undefined;
  }
  const source = await vscode.window.showQuickPick(
    [
      { label: 'Sample', description: 'the committed files in Data_extracted/ (offline)', value: 'sample' },
      { label: 'NYC TLC', description: 'download from the TLC CloudFront site', value: '' },
    ],
    { title: 'Source' },
  );
  if (!source) return undefined;
  if (months) return { months, source: source.value || undefined };
  return { month: month?.trim() || undefined, source: source.value || undefined };
}

async function askMonth(): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `ETL: Trigger DAG ${PIPELINE_DAG}`,
    prompt: 'Month to process (YYYY-MM); empty: the latest month the TLC has published',
    value: '2024-01',
    validateInput: (v) => (!v.trim() || MONTH.test(v.trim()) ? undefined : 'write YYYY-MM, e.g. 2024-01'),
  });
}

/**
 * ETL: Trigger DAG — starts etl_pipeline through Airflow's REST API and streams each task's
 * state to the "ETL" output while a notification follows the run; or, for a range of months,
 * one backfill (backfillCommand.ts). Cancelling stops the following only; the run goes on in
 * Airflow. `request` lets tests skip the prompts ({ months } for a backfill).
 */
export async function triggerDagCommand(
  services: EtlServices,
  request?: TriggerRequest | BackfillRequest,
): Promise<TriggerResult | BackfillResult | undefined> {
  if (!requireTrust('Trigger DAG')) return undefined;
  const chosen = request ?? (await askRequest());
  if (!chosen) return undefined;
  if ('months' in chosen) return backfillCommand(services, chosen);
  const client = AirflowClient.of(services.project());
  services.diagnostics.show(true);
  const result = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ETL: ${PIPELINE_DAG}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        await services.waitForStackStart('Trigger DAG', progress, controller.signal);
        return triggerPipeline(client, chosen, {
          signal: controller.signal,
          onEvent: (event) => {
            if (event.kind === 'unpaused') services.diagnostics.info(`airflow: ${event.dagId} was paused; unpaused it`);
            else if (event.kind === 'triggered')
              services.diagnostics.info(
                `airflow: run ${event.runId} queued ${JSON.stringify(event.conf)} — ${event.url}`,
              );
            else if (event.kind === 'note') {
              services.diagnostics.warn(`airflow: ${event.text}`);
              progress.report({ message: event.text });
            } else {
              services.diagnostics.info(`airflow: ${describeChange(event.change)}`);
              progress.report({ message: describeChange(event.change) });
            }
          },
        });
      },
    )
    .then(undefined, (error: unknown) => {
      if (!(error instanceof WatchStopped || error instanceof WaitCancelled)) throw error;
      void vscode.window.showWarningMessage(`ETL: ${error.message}`);
      return undefined;
    });
  if (!result) return undefined;
  if (result.state === 'failed')
    services.diagnostics.error(`airflow: run ${result.runId} failed\n${await failureSummary(client, result)}`);
  void announce(result);
  await vscode.commands.executeCommand('etlSpark.refresh');
  return result;
}

async function announce(result: TriggerResult): Promise<void> {
  const text = `ETL: ${PIPELINE_DAG} run ${result.runId} ${result.state === 'success' ? 'succeeded' : result.state}`;
  const show = result.state === 'success' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  if ((await show(text, 'Open in Airflow')) === 'Open in Airflow')
    await vscode.env.openExternal(vscode.Uri.parse(result.url));
}
