import * as vscode from 'vscode';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { externalSummary, localServicesToStart } from '../profile/profileText';
import { outputReporter } from './project';

/** The optional services Start Stack brings too: .env's ETL_STACK_WITH and the etl.stack.with setting. */
function optionalServices(services: EtlServices, given?: string[]): string[] {
  const chosen = given ?? vscode.workspace.getConfiguration('etlSpark').get<string[]>('stack.with', ['elasticsearch']);
  return [...new Set([...services.project().stackWith, ...chosen])];
}

/**
 * ETL: Start Stack — `up()` of the stack etl.stack.mode picks (native or compose), in a
 * notification; the Stack view follows each service as it starts. A second call joins the first.
 */
export async function startStack(services: EtlServices, withOptional?: string[]): Promise<boolean> {
  if (!requireTrust('Starting the stack')) return false;
  try {
    const { profile } = services.project();
    // What the active profile places elsewhere is never started here (an optional one is not started locally either).
    const local = localServicesToStart(profile, optionalServices(services, withOptional));
    if (!local.core.length && !local.optional.length) {
      const message = `ETL: nothing local to start: profile "${profile.name}" places ${externalSummary(profile)} `
        + 'elsewhere (the Stack view shows their health).';
      services.diagnostics.info(message);
      void vscode.window.showInformationMessage(message);
      return true;
    }
    // Claimed at once, before asking Docker which mode: a step started now waits for this start.
    const started = await services.startStack((onProgress) =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'ETL: starting the stack' },
          async (progress) => {
            const stack = await services.stack(true);
            progress.report({ message: `${stack.mode} mode` });
            return stack.up(outputReporter(services.diagnostics, progress), local.optional, onProgress);
          },
        ),
      ),
    );
    const healthy = started.filter((s) => s.state === 'running').length;
    void vscode.window.showInformationMessage(`ETL stack is up: ${healthy} service(s) healthy.`);
    await vscode.commands.executeCommand('etlSpark.refresh');
    return true;
  } catch (error) {
    reportError(services, error);
    await vscode.commands.executeCommand('etlSpark.refresh');
    return false;
  }
}
