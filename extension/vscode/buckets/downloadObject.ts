import * as vscode from 'vscode';
import { downloadObject, downloadPrefix } from '../../core/s3/download';
import type { BucketsTreeProvider } from './bucketsTree';
import type { BucketNode, ObjectNode, PrefixNode } from './nodes';

/** Downloads an object, or everything under a prefix, into a folder the user picks (keys checked for path tricks). */
export async function downloadCommand(
  tree: BucketsTreeProvider,
  node: ObjectNode | PrefixNode | BucketNode,
  targetDir?: string,
): Promise<string[]> {
  const target =
    targetDir ??
    (
      await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Download here' })
    )?.[0]?.fsPath;
  if (!target) return [];
  const { client } = await tree.client();
  const files = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'ETL: downloading', cancellable: false },
    async (progress) => {
      if (node.kind === 'object')
        return [
          await downloadObject(client, node.bucket, node.key, target, node.key.slice(0, node.key.lastIndexOf('/') + 1)),
        ];
      return downloadPrefix(client, node.bucket, node.prefix, target, (path) => progress.report({ message: path }));
    },
  );
  void vscode.window.showInformationMessage(`ETL: downloaded ${files.length} file(s) to ${target}`);
  return files;
}
