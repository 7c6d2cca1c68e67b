import * as vscode from 'vscode';
import { deleteKeys, keysToDelete, type DeleteTarget } from '../../core/s3/delete';
import { s3aPath } from '../../core/s3/paths';
import { requireTrust } from '../common/services';
import type { BucketsTreeProvider } from './bucketsTree';
import type { ObjectNode, PrefixNode } from './nodes';

/**
 * Deletes an object or a whole prefix (extension/core/s3/delete) after a modal confirmation (trusted workspaces only).
 */
export async function deleteCommand(tree: BucketsTreeProvider, node: ObjectNode | PrefixNode): Promise<number> {
  // The menu hides Delete in an untrusted workspace; this also stops a call from a keybinding or another extension.
  if (!requireTrust('Delete')) return 0;
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
