import * as vscode from 'vscode';
import {
  backfillFailureSummary,
  backfillPipeline,
  NOT_CREATED,
  statesSummary,
  unsuccessfulMonths,
  type BackfillRequest,
  type BackfillResult,
} from '../../core/airflow/backfill';
import { AirflowClient } from '../../core/airflow/client';
import { rangeProblem } from '../../core/airflow/monthRange';
import { PIPELINE_DAG } from '../../core/airflow/pipelineRun';
import { WatchStopped } from '../../core/airflow/trigger';
import { WaitCancelled, type EtlServices } from '../common/services';

/** The range to backfill, or undefined when the prompt is dismissed. */
export async function askRange(): Promise<string | undefined> {
  const range = await vscode.window.showInputBox({
    title: `ETL: Trigger DAG ${PIPELINE_DAG} — backfill`,
    prompt: 'Months to backfill, YYYY-MM..YYYY-MM (or one YYYY-MM): one Airflow run per month, one at a time',
    value: '2024-01..2024-02',
    // The same parse and the same "not yet" rule as `etl trigger --months`.
    validateInput: (value) => rangeProblem(value),
  });
  return range?.trim() || undefined;
}

/**
 * Trigger DAG with a range: one Airflow backfill (POST /api/v2/backfills), each month's state streamed to the "ETL"
 * output and the notification. Cancelling stops the following only; the backfill goes on in Airflow.
 */
export async function backfillCommand(services: EtlServices, request: BackfillRequest):
Promise<BackfillResult | undefined> {
  const client = AirflowClient.of(services.project());
  services.diagnostics.show(true);
  const result = await vscode.window
    .withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ETL: backfill ${PIPELINE_DAG}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        await services.waitForStackStart('Trigger DAG', progress, controller.signal);
        return backfillPipeline(client, request, {
          signal: controller.signal,
          onEvent: (event) => {
            if (event.kind === 'unpaused') services.diagnostics.info(`airflow: ${event.dagId} was paused; unpaused it`);
            else if (event.kind === 'created')
              services.diagnostics.info(`airflow: backfill ${event.backfillId} created: ${event.range} `
                + `(logical dates ${event.fromDate} to ${event.toDate}) ${JSON.stringify(event.conf)} — ${event.url}`);
            else if (event.kind === 'note') {
              services.diagnostics.warn(`airflow: ${event.text}`);
              progress.report({ message: event.text });
            } else {
              const { month } = event;
              const line = `${month.month} ${month.state}`;
              services.diagnostics.info(`airflow: ${line}${month.runId ? ` (run ${month.runId})` : ''}`);
              progress.report({ message: line });
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
  const missed = unsuccessfulMonths(result);
  if (missed.length)
    services.diagnostics.error(`airflow: backfill ${result.backfillId}: months that did not succeed\n`
      + `${await backfillFailureSummary(client, result)}`);
  void announce(result, missed.map((m) => `${m.month} (${m.state === NOT_CREATED ? 'no run' : m.state})`));
  await vscode.commands.executeCommand('etlSpark.refresh');
  return result;
}

async function announce(result: BackfillResult, missed: string[]): Promise<void> {
  const text = `ETL: backfill ${result.backfillId} ${result.range}: ${statesSummary(result.months)}`
    + (missed.length ? `; did not succeed: ${missed.join(', ')}` : '');
  const show = missed.length ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
  if ((await show(text, 'Open in Airflow')) === 'Open in Airflow')
    await vscode.env.openExternal(vscode.Uri.parse(result.url));
}
