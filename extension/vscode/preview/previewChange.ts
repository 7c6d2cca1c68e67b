import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import type { PreviewDiff } from '../../core/preview/compare';
import { previewChange } from '../../core/preview/flow';
import { PreviewError, type PreviewSource } from '../../core/preview/run';
import { requireTrust, type EtlServices } from '../common/services';
import { goldCatalog } from '../gold/goldTree';
import { showCodeProblem } from '../common/codeProblems';
import { PreviewPanel } from './previewPanel';
import type { PreviewProblems } from './problems';

let running = false;

/**
 * ETL: Preview Change — saves the edited files of the etl package, runs the working tree's transform on the dev
 * session (starting it when it is down) and shows its diff with gold in the "Change preview" panel; publishes
 * nothing. An error of the edited code goes to the Problems panel at its line. Default input: the last extraction.
 */
export async function previewChangeCommand(
  services: EtlServices,
  problems: PreviewProblems,
  source: PreviewSource = {},
): Promise<PreviewDiff | undefined> {
  if (!requireTrust('Preview Change')) return undefined;
  if (running) throw new EtlError('a preview is already running', 'wait for it (its notification shows where it is)');
  running = true;
  try {
    await saveEditedSources();
    const diff = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'ETL: previewing your change', cancellable: true },
      (progress, token) => preview(services, source, progress, token),
    );
    problems.clear();
    PreviewPanel.show(services, diff);
    return diff;
  } catch (error) {
    if (error instanceof PreviewError) await showCodeError(services, problems, error);
    else throw error;
    return undefined;
  } finally {
    running = false;
  }
}

async function preview(
  services: EtlServices,
  source: PreviewSource,
  progress: vscode.Progress<{ message?: string }>,
  token: vscode.CancellationToken,
): Promise<PreviewDiff> {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  const reporter = { step: (message: string) => progress.report({ message }), detail: () => {} };
  const catalog = await goldCatalog(services);
  try {
    return await previewChange({
      config: services.project(),
      stack: await services.stack(),
      catalog,
      request: { ...source, env: await services.stepEnv() },
      reporter,
      onEvent: (event) => {
        if (event.event === 'phase') progress.report({ message: `[${event.phase}]` });
        services.diagnostics.info(`preview: ${JSON.stringify(event)}`);
      },
      signal: controller.signal,
    });
  } finally {
    await catalog.close();
  }
}

/** What runs is what is on disk: the edited, unsaved files of the etl package are saved first. */
async function saveEditedSources(): Promise<void> {
  const edited = vscode.workspace.textDocuments.filter(
    (doc) => doc.isDirty && doc.uri.scheme === 'file' && /[\\/]src[\\/]etl[\\/].*\.py$/.test(doc.uri.fsPath),
  );
  await Promise.all(edited.map((doc) => doc.save()));
}

async function showCodeError(services: EtlServices, problems: PreviewProblems, error: PreviewError): Promise<void> {
  showCodeProblem(services, problems, problems.problemOf(error), 'ETL: Preview Change failed', error);
}
