import * as vscode from 'vscode';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import type { ServiceNode } from './serviceNode';

/** Inline "stop" on a Stack row: that service only (a native process or a compose container). */
export async function stopService(services: EtlServices, node: ServiceNode): Promise<void> {
  if (!requireTrust(`Stopping ${node.service.title}`)) return;
  try {
    const stack = await services.stack();
    const wasRunning = await services.runStackStop(`stopping ${node.service.title}`, () =>
      stack.stop(node.service.name, outputReporter(services.diagnostics)),
    );
    if (!wasRunning) void vscode.window.showInformationMessage(`ETL: ${node.service.title} was not running`);
  } catch (error) {
    reportError(services, error);
  }
  await vscode.commands.executeCommand('etlSpark.refresh');
}
