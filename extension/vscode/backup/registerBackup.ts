import * as vscode from 'vscode';
import type { BucketsTreeProvider } from '../buckets/bucketsTree';
import { MANIFEST_FILE } from '../../core/manifest/model';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { BackupTreeProvider } from './backupTree';
import type { PathNode } from './nodes';
import { revealPathCommand } from './revealPath';

export function registerBackup(
  context: vscode.ExtensionContext,
  services: EtlServices,
  buckets: BucketsTreeProvider,
): BackupTreeProvider {
  const tree = new BackupTreeProvider(services);
  context.subscriptions.push(
    vscode.window.registerTreeDataProvider('etlSpark.backup', tree),
    vscode.commands.registerCommand(
      'etlSpark.backup.reveal',
      guarded(services, (node: PathNode) => revealPathCommand(buckets, node)),
    ),
  );
  if (services.hasProject()) {
    // Watches the manifest's folder: the extractor replaces the file atomically (rename), which a file watcher alone
    // can miss.
    const file = vscode.Uri.file(tree.manifestFile());
    const folder = vscode.Uri.joinPath(file, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, MANIFEST_FILE));
    const refresh = () => {
      tree.refresh();
      buckets.refresh();
    };
    context.subscriptions.push(
      watcher,
      watcher.onDidChange(refresh),
      watcher.onDidCreate(refresh),
      watcher.onDidDelete(refresh),
    );
  }
  return tree;
}
