import * as vscode from 'vscode';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import type { ServiceNode } from './serviceNode';

/** Inline "start" on a Stack row: that service only (a native process or a compose container). */
export async function startService(services: EtlServices, node: ServiceNode): Promise<void> {
  if (!requireTrust(`Starting ${node.service.title}`)) return;
  try {
    const stack = await services.stack();
    await services.runStackOperation(`starting ${node.service.title}`, () =>
      Promise.resolve(
        vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `ETL: starting ${node.service.title}` },
          (progress) => stack.start(node.service.name, outputReporter(services.diagnostics, progress)),
        ),
      ),
    );
  } catch (error) {
    reportError(services, error);
  }
  await vscode.commands.executeCommand('etlSpark.refresh');
}
