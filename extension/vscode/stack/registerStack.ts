import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { openUi } from './openUi';
import type { ServiceNode } from './serviceNode';
import { StackTreeProvider } from './stackTree';
import { startService } from './startService';
import { startStack } from './startStack';
import { stopService } from './stopService';
import { stopStack } from './stopStack';

export function registerStack(context: vscode.ExtensionContext, services: EtlServices): StackTreeProvider {
  const tree = new StackTreeProvider(services);
  const view = vscode.window.createTreeView('etlSpark.stack', { treeDataProvider: tree });
  tree.shownIn(view);
  context.subscriptions.push(
    tree,
    view,
    vscode.commands.registerCommand('etlSpark.startStack', () => startStack(services)),
    vscode.commands.registerCommand('etlSpark.stopStack', () => stopStack(services)),
    // Inline start/stop act on the row's service; without a row (palette), on the whole stack.
    vscode.commands.registerCommand('etlSpark.stack.startService', (node?: ServiceNode) =>
      node ? startService(services, node) : startStack(services),
    ),
    vscode.commands.registerCommand('etlSpark.stack.stopService', (node?: ServiceNode) =>
      node ? stopService(services, node) : stopStack(services),
    ),
    vscode.commands.registerCommand(
      'etlSpark.stack.openUi',
      guarded(services, (node: ServiceNode) => openUi(services, node)),
    ),
    vscode.commands.registerCommand(
      'etlSpark.openMinioConsole',
      guarded(services, () => openUi(services, 'minio')),
    ),
    vscode.commands.registerCommand(
      'etlSpark.openSparkUi',
      guarded(services, () => openUi(services, 'spark')),
    ),
    vscode.commands.registerCommand(
      'etlSpark.openKibana',
      guarded(services, () => openUi(services, 'kibana')),
    ),
    vscode.commands.registerCommand(
      'etlSpark.openAirflow',
      guarded(services, () => openUi(services, 'airflow')),
    ),
  );
  return tree;
}
