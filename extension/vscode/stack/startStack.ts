import * as vscode from 'vscode';
import { up } from '../../core/stack/stack';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import { composeStack, resolveStackMode } from './stackMode';

/** ETL: Start Stack — native `up()` (or docker compose), in a notification with progress. */
export async function startStack(services: EtlServices, withOptional?: string[]): Promise<boolean> {
  if (!requireTrust('Starting the stack')) return false;
  try {
    const config = services.project();
    const mode = await resolveStackMode();
    await services.runStep('starting the stack', async () =>
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ETL: starting the stack (${mode})` }, async (progress) => {
        if (mode === 'compose') return composeStack(config.paths.root, 'up');
        const optional = withOptional ?? vscode.workspace.getConfiguration('etl').get<string[]>('stack.with', ['elasticsearch']);
        return up(config, outputReporter(services.diagnostics, progress), [...new Set([...config.stackWith, ...optional])]);
      }),
    );
    void vscode.window.showInformationMessage('ETL stack is up.');
    await vscode.commands.executeCommand('etl.refresh');
    return true;
  } catch (error) {
    reportError(services, error);
    return false;
  }
}
