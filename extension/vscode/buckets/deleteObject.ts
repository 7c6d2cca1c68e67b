import * as vscode from 'vscode';
import { deleteKeys, keysToDelete, type DeleteTarget } from '../../core/s3/delete';
import { s3aPath } from '../../core/s3/paths';
import type { BucketsTreeProvider } from './bucketsTree';
import type { ObjectNode, PrefixNode } from './nodes';

/** Deletes an object or a whole prefix (extension/core/s3/delete) after a modal confirmation naming what goes. */
export async function deleteCommand(tree: BucketsTreeProvider, node: ObjectNode | PrefixNode): Promise<number> {
  const { client } = await tree.client();
  const target: DeleteTarget = node.kind === 'object'
    ? { bucket: node.bucket, key: node.key }
    : { bucket: node.bucket, prefix: node.prefix };
  const keys = await keysToDelete(client, target);
  const what = s3aPath({ bucket: node.bucket, key: node.kind === 'object' ? node.key : node.prefix });
  const question = `Delete ${keys.length} object(s) at ${what}? This cannot be undone.`;
  const answer = await vscode.window.showWarningMessage(question, { modal: true }, 'Delete');
  if (answer !== 'Delete') return 0;
  const removed = await deleteKeys(client, node.bucket, keys);
  tree.refresh();
  return removed;
}
