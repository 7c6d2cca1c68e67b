import * as vscode from 'vscode';
import { down } from '../../core/stack/stack';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import { composeStack, resolveStackMode } from './stackMode';

export async function stopStack(services: EtlServices): Promise<void> {
  if (!requireTrust('Stopping the stack')) return;
  try {
    const config = services.project();
    const mode = await resolveStackMode();
    const stopped = await services.runStep('stopping the stack', async () =>
      mode === 'compose' ? (await composeStack(config.paths.root, 'down'), ['compose services']) : down(config, outputReporter(services.diagnostics)),
    );
    void vscode.window.showInformationMessage(stopped.length ? `ETL: stopped ${stopped.join(', ')}` : 'ETL: nothing was running');
    await vscode.commands.executeCommand('etl.refresh');
  } catch (error) {
    reportError(services, error);
  }
}
