import * as vscode from 'vscode';
import { stopOne } from '../../core/stack/stack';
import type { ServiceName } from '../../core/stack/services';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import type { ServiceNode } from './serviceNode';

/** Inline "stop" on a Stack row: that service only (native mode). */
export async function stopService(services: EtlServices, node: ServiceNode): Promise<void> {
  if (!requireTrust(`Stopping ${node.service.title}`)) return;
  try {
    const config = services.project();
    await services.runStep(`stopping ${node.service.title}`, () => stopOne(config, node.service.name as ServiceName, outputReporter(services.diagnostics)));
    await vscode.commands.executeCommand('etl.refresh');
  } catch (error) {
    reportError(services, error);
  }
}
