import type * as vscode from 'vscode';
import type { BucketsTreeProvider } from '../buckets/bucketsTree';
import { previewObjectCommand } from '../buckets/previewObject';
import type { PathNode } from './nodes';

/** A manifest path: preview its object (the Buckets view shows the same key under its bucket). */
export async function revealPathCommand(
  buckets: BucketsTreeProvider,
  node: PathNode,
): Promise<vscode.TextEditor | undefined> {
  return previewObjectCommand(buckets, { bucket: node.file.bucket, key: node.file.key });
}
