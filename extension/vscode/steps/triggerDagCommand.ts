import * as vscode from 'vscode';
import { AirflowClient } from '../../core/airflow/client';
import { describeChange, MONTH, PIPELINE_DAG, type TriggerRequest } from '../../core/airflow/pipelineRun';
import { failureSummary, triggerPipeline, WatchStopped, type TriggerResult } from '../../core/airflow/trigger';
import { requireTrust, WaitCancelled, type EtlServices } from '../common/services';

async function askRequest(): Promise<TriggerRequest | undefined> {
  const month = await vscode.window.showInputBox({
    title: `ETL: Trigger DAG ${PIPELINE_DAG}`,
    prompt: 'Month to process (YYYY-MM); empty: the latest month the TLC has published',
    value: '2024-01',
    validateInput: (v) => (!v.trim() || MONTH.test(v.trim()) ? undefined : 'write YYYY-MM, e.g. 2024-01'),
  });
  if (month === undefined) return undefined;
  const source = await vscode.window.showQuickPick(
    [
      { label: 'Sample', description: 'the committed files in Data_extracted/ (offline)', value: 'sample' },
      { label: 'NYC TLC', description: 'download from the TLC CloudFront site', value: '' },
    ],
    { title: 'Source' },
  );
  if (!source) return undefined;
  return { month: month.trim() || undefined, source: source.value || undefined };
}

/**
 * ETL: Trigger DAG — starts etl_pipeline through Airflow's REST API and streams each task's
 * state to the "ETL" output while a notification follows the run. Cancelling stops the
 * following only; the run goes on in Airflow. `request` lets tests skip the prompts.
 */
export async function triggerDagCommand(
  services: EtlServices,
  request?: TriggerRequest,
): Promise<TriggerResult | undefined> {
  if (!requireTrust('Trigger DAG')) return undefined;
  const chosen = request ?? (await askRequest());
  if (!chosen) return undefined;
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
            else {
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
  await vscode.commands.executeCommand('etl.refresh');
  return result;
}

async function announce(result: TriggerResult): Promise<void> {
  const text = `ETL: ${PIPELINE_DAG} run ${result.runId} ${result.state === 'success' ? 'succeeded' : result.state}`;
  const show = result.state === 'success' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  if ((await show(text, 'Open in Airflow')) === 'Open in Airflow')
    await vscode.env.openExternal(vscode.Uri.parse(result.url));
}
