import * as vscode from 'vscode';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';

/** ETL: Stop Stack — `down()` of the stack etl.stack.mode picks. */
export async function stopStack(services: EtlServices): Promise<void> {
  if (!requireTrust('Stopping the stack')) return;
  try {
    const stack = await services.stack(true);
    const stopped = await services.runStackStop('stopping the stack', () =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `ETL: stopping the stack (${stack.mode})` },
          (progress) => stack.down(outputReporter(services.diagnostics, progress)),
        ),
      ),
    );
    void vscode.window.showInformationMessage(
      stopped.length ? `ETL: stopped ${stopped.join(', ')}` : 'ETL: nothing was running',
    );
  } catch (error) {
    reportError(services, error);
  }
  await vscode.commands.executeCommand('etlSpark.refresh');
}
