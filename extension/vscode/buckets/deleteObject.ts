import * as vscode from 'vscode';
import { listAllKeys } from '../../core/s3/listing';
import { s3aPath } from '../../core/s3/paths';
import { requireTrust } from '../common/services';
import type { BucketsTreeProvider } from './bucketsTree';
import type { ObjectNode, PrefixNode } from './nodes';

/** Deletes an object or a whole prefix after a modal confirmation naming what goes (trusted workspaces only). */
export async function deleteCommand(tree: BucketsTreeProvider, node: ObjectNode | PrefixNode): Promise<number> {
  // The menu hides Delete in an untrusted workspace; this also stops a call from a keybinding or another extension.
  if (!requireTrust('Delete')) return 0;
  const { client } = await tree.client();
  const keys =
    node.kind === 'object' ? [node.key] : (await listAllKeys(client, node.bucket, node.prefix)).map((e) => e.key);
  const what = s3aPath({ bucket: node.bucket, key: node.kind === 'object' ? node.key : node.prefix });
  const answer = await vscode.window.showWarningMessage(
    `Delete ${keys.length} object(s) at ${what}? This cannot be undone.`,
    { modal: true },
    'Delete',
  );
  if (answer !== 'Delete') return 0;
  for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(node.bucket, keys.slice(i, i + 1000));
  tree.refresh();
  return keys.length;
}
