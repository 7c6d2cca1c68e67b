import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { openUi } from './openUi';
import type { ServiceNode } from './serviceNode';
import { StackTreeProvider } from './stackTree';
import { startStack } from './startStack';
import { stopStack } from './stopStack';

export function registerStack(context: vscode.ExtensionContext, services: EtlServices): StackTreeProvider {
  const tree = new StackTreeProvider(services);
  const optionalOf = (node?: ServiceNode) => (node?.service.name === 'elasticsearch' ? ['elasticsearch'] : undefined);
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('etl.stack', tree),
    vscode.commands.registerCommand('etl.startStack', () => startStack(services)),
    vscode.commands.registerCommand('etl.stopStack', () => stopStack(services)),
    // The native stack starts and stops as a whole; inline start/stop act on it (Elasticsearch included when asked).
    vscode.commands.registerCommand('etl.stack.startService', (node?: ServiceNode) => startStack(services, optionalOf(node))),
    vscode.commands.registerCommand('etl.stack.stopService', () => stopStack(services)),
    vscode.commands.registerCommand('etl.stack.openUi', guarded(services, (node: ServiceNode) => openUi(services, node))),
    vscode.commands.registerCommand('etl.openMinioConsole', guarded(services, () => openUi(services, 'minio'))),
    vscode.commands.registerCommand('etl.openSparkUi', guarded(services, () => openUi(services, 'spark'))),
    vscode.commands.registerCommand('etl.openKibana', guarded(services, () => openUi(services, 'kibana'))),
    vscode.commands.registerCommand('etl.openAirflow', guarded(services, () => openUi(services, 'airflow'))),
  );
  return tree;
}
