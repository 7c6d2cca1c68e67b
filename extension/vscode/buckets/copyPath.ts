import * as vscode from 'vscode';
import { s3aPath } from '../../core/s3/paths';
import type { BucketNode, ObjectNode, PrefixNode } from './nodes';

export async function copyPathCommand(node: ObjectNode | PrefixNode | BucketNode): Promise<string> {
  const path = s3aPath({ bucket: node.bucket, key: node.kind === 'object' ? node.key : node.prefix });
  await vscode.env.clipboard.writeText(path);
  void vscode.window.setStatusBarMessage(`Copied ${path}`, 3000);
  return path;
}
