import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { BucketsTreeProvider } from './bucketsTree';
import { copyPathCommand } from './copyPath';
import { deleteCommand } from './deleteObject';
import { downloadCommand } from './downloadObject';
import { filterCommand } from './filterPrefix';
import { previewObjectCommand } from './previewObject';
import { S3_SCHEME, S3PreviewFileSystem } from './s3FileSystem';
import type { LoadMoreNode, S3ErrorNode } from './nodes';

export function registerBuckets(context: vscode.ExtensionContext, services: EtlServices): BucketsTreeProvider {
  const tree = new BucketsTreeProvider(services);
  const view = vscode.window.createTreeView('etlSpark.buckets', { treeDataProvider: tree, showCollapseAll: true });
  const waitsForStack = () => tree.problem?.kind === 'stackDown' || tree.problem?.kind === 'stackStarting';
  const run = <A extends unknown[]>(fn: (...args: A) => Promise<unknown>) => guarded(services, fn);
  context.subscriptions.push(
    view,
    vscode.workspace.registerFileSystemProvider(S3_SCHEME, new S3PreviewFileSystem(tree), {
      isReadonly: true,
      isCaseSensitive: true,
    }),
    vscode.commands.registerCommand('etlSpark.buckets.preview', run(previewObjectCommand.bind(undefined, tree))),
    vscode.commands.registerCommand('etlSpark.buckets.download', run(downloadCommand.bind(undefined, tree))),
    vscode.commands.registerCommand('etlSpark.buckets.copyPath', run(copyPathCommand)),
    vscode.commands.registerCommand('etlSpark.buckets.delete', run(deleteCommand.bind(undefined, tree))),
    vscode.commands.registerCommand('etlSpark.buckets.filter', run(filterCommand.bind(undefined, tree))),
    vscode.commands.registerCommand(
      'etlSpark.buckets.loadMore',
      run((node: LoadMoreNode) => tree.loadMore(node)),
    ),
    vscode.commands.registerCommand('etlSpark.buckets.retry', (node?: S3ErrorNode) => tree.refresh(node?.parent)),
    services.onCredentialsChanged(() => tree.refresh()),
    // The "stack down" welcome turns into "starting" as Start Stack begins (and into the buckets as MinIO runs:
    // stackChanged).
    services.onStepChanged(() => waitsForStack() && tree.refresh()),
  );
  return tree;
}
