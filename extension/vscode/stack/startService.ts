import * as vscode from 'vscode';
import { startOne } from '../../core/stack/stack';
import type { ServiceName } from '../../core/stack/services';
import { reportError } from '../common/notify';
import { requireTrust, type EtlServices } from '../common/services';
import { outputReporter } from './project';
import type { ServiceNode } from './serviceNode';

/** Inline "start" on a Stack row: that service only (native mode). */
export async function startService(services: EtlServices, node: ServiceNode): Promise<void> {
  if (!requireTrust(`Starting ${node.service.title}`)) return;
  try {
    const config = services.project();
    await services.runStep(`starting ${node.service.title}`, async () =>
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ETL: starting ${node.service.title}` }, (progress) =>
        startOne(config, node.service.name as ServiceName, outputReporter(services.diagnostics, progress)),
      ),
    );
    await vscode.commands.executeCommand('etl.refresh');
  } catch (error) {
    reportError(services, error);
  }
}
