import * as vscode from 'vscode';
import { CodeError, describeError } from '../../core/errors';
import { formatQualityReport } from '../../core/transform/events';
import { runTransform, TransformCancelled, type TransformRequest } from '../../core/transform/run';
import { requireTrust, WaitCancelled, type EtlServices } from '../common/services';

/**
 * ETL: Transform — spark-submits the cleaning job (extension/core/transform) in a cancellable
 * notification showing Spark's stage/task progress; the quality report goes to the "ETL" channel.
 * `request` lets tasks, the pipeline and tests choose the extraction run.
 */
export async function transformCommand(services: EtlServices, request: TransformRequest = {}): Promise<boolean> {
  if (!requireTrust('Transform')) return false;
  const config = services.project();
  const withCredentials: TransformRequest = { ...request, env: await services.stepEnv(request.env) };
  void vscode.commands.executeCommand('etlSpark.showLogs');
  try {
    const report = await services.runStep(
      'transform',
      async () =>
        await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'ETL: transforming into gold', cancellable: true },
          async (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            await services.waitForStackStart('Transform', progress, controller.signal);
            // Natively spark-submit runs on the host; in compose mode in the `etl` runner, where the workers reach the
            // driver.
            const { mode } = await services.stack();
            return runTransform(
              config,
              { ...withCredentials, mode },
              {
                onEvent: (event) => {
                  if (event.event === 'phase') progress.report({ message: `[${event.phase}]` });
                  else if (event.event === 'previous_unfinished')
                    void vscode.window.showWarningMessage(`ETL: ${event.message}`);
                  services.diagnostics.info(`transform: ${JSON.stringify(event)}`);
                },
                onProgress: (_progress, text) => progress.report({ message: text }),
                onLog: (line) => services.diagnostics.trace(line),
              },
              controller.signal,
            );
          },
        ),
    );
    if (report.skipped) services.diagnostics.info(`transform: ${report.skipped}`);
    services.diagnostics.info(`\n${formatQualityReport(report)}`);
    void vscode.window.showInformationMessage(
      `ETL: transform ${report.run_id} done: ${report.rows_kept} rows kept, ${report.rows_rejected} rejected ` +
        `(report in the "ETL" output)`,
    );
    await vscode.commands.executeCommand('etlSpark.refresh');
    return true;
  } catch (error) {
    if (error instanceof CodeError) throw error; // registerSteps puts it in the Problems panel at its line
    const text = describeError(error);
    services.lastError = text;
    services.diagnostics.error(text);
    if (error instanceof TransformCancelled || error instanceof WaitCancelled)
      void vscode.window.showWarningMessage(`ETL: ${text}`);
    else void vscode.window.showErrorMessage(`ETL: ${text}`);
    return false;
  }
}
