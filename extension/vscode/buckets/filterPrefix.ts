import * as vscode from 'vscode';
import type { BucketsTreeProvider } from './bucketsTree';
import type { Container } from './nodes';

export async function filterCommand(tree: BucketsTreeProvider, node: Container, value?: string): Promise<void> {
  const filter =
    value ??
    (await vscode.window.showInputBox({
      title: `Filter ${node.bucket}/${node.prefix}`,
      prompt: 'Show only names starting with (empty: no filter)',
    }));
  if (filter === undefined) return;
  tree.setFilter(node, filter);
}
