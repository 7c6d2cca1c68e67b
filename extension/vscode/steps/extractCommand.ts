import * as vscode from 'vscode';
import { isMonthSpec } from '../../core/contract';
import { SAMPLE_MONTHS } from '../../core/pipeline/run';
import { ExtractProgress } from '../../core/extract/events';
import { ExtractCancelled, runExtract, type ExtractRequest, type ExtractResult } from '../../core/extract/run';
import { requireTrust, WaitCancelled, type EtlServices } from '../common/services';

/** The committed sample months: a first run works offline. */
export const DEFAULT_MONTHS = SAMPLE_MONTHS;

async function askRequest(): Promise<ExtractRequest | undefined> {
  const months = await vscode.window.showInputBox({
    title: 'ETL: Extract',
    prompt: 'Months to extract: 2024-01, 2024-01..2024-03, or a comma list',
    value: DEFAULT_MONTHS,
    validateInput: (v) => (isMonthSpec(v) ? undefined : 'write YYYY-MM or YYYY-MM..YYYY-MM, comma separated'),
  });
  if (!months) return undefined;
  const source = await vscode.window.showQuickPick(
    [
      { label: 'Sample', description: 'the committed files in Data_extracted/ (offline)', value: 'sample' },
      { label: 'NYC TLC', description: 'download from the TLC CloudFront site', value: 'tlc' },
    ],
    { title: 'Source' },
  );
  if (!source) return undefined;
  return { months: months.trim(), source: source.value === 'sample' ? { sample: true } : undefined };
}

/**
 * ETL: Extract — runs the extractor in a cancellable notification showing files and bytes.
 * `request` lets tasks and tests skip the prompts.
 */
export async function extractCommand(
  services: EtlServices,
  request?: ExtractRequest,
): Promise<ExtractResult | undefined> {
  if (!requireTrust('Extract')) return undefined;
  const chosen = request ?? (await askRequest());
  if (!chosen) return undefined;
  const config = services.project();
  const withCredentials: ExtractRequest = { ...chosen, env: await services.stepEnv(chosen.env) };
  void vscode.commands.executeCommand('etlSpark.showLogs');
  const result = await services
    .runStep('extract', () =>
      Promise.resolve(
        vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `ETL: extracting ${chosen.months}`,
            cancellable: true,
          },
          async (progress, token) => {
            const controller = new AbortController();
            token.onCancellationRequested(() => controller.abort());
            await services.waitForStackStart('Extract', progress, controller.signal);
            // Where the stack runs decides where the extractor runs: the venv, or the compose `etl` runner.
            const { mode } = await services.stack();
            const totals = new ExtractProgress();
            return runExtract(
              config,
              { ...withCredentials, mode },
              (event) => {
                totals.apply(event);
                progress.report({ message: totals.describe() });
                if (event.event === 'file_done')
                  services.diagnostics.info(`${event.status} ${event.path} (${event.size} bytes)`);
              },
              controller.signal,
            );
          },
        ),
      ),
    )
    .catch((error: unknown) => {
      if (error instanceof ExtractCancelled || error instanceof WaitCancelled) {
        void vscode.window.showWarningMessage(`ETL: ${error.message}`);
        return undefined;
      }
      throw error;
    });
  if (result) {
    void vscode.window.showInformationMessage(`ETL: extracted ${result.files} file(s) in run ${result.runId}`);
    await vscode.commands.executeCommand('etlSpark.refresh');
  }
  return result;
}
