import * as vscode from 'vscode';
import { formatBytes } from '../../core/extract/events';
import { objectSize } from '../../core/s3/read';
import { PREVIEW_LIMIT_BYTES, previewKind } from '../../core/s3/preview';
import type { BucketsTreeProvider } from './bucketsTree';
import type { ObjectNode } from './nodes';
import { objectUri } from './s3FileSystem';

/** Opens an object's preview in an editor; above the size limit, asks first. */
export async function previewObjectCommand(
  tree: BucketsTreeProvider,
  node: ObjectNode | { bucket: string; key: string },
): Promise<vscode.TextEditor | undefined> {
  const { client } = await tree.client();
  const size = await objectSize(client, node.bucket, node.key);
  let force = false;
  if (size > PREVIEW_LIMIT_BYTES) {
    const answer = await vscode.window.showWarningMessage(
      `${node.key} is ${formatBytes(size)}, above the preview limit of ${formatBytes(PREVIEW_LIMIT_BYTES)}. Preview ` +
        `anyway?`,
      { modal: true },
      'Preview anyway',
    );
    if (answer !== 'Preview anyway') return undefined;
    force = true;
  }
  const document = await vscode.workspace.openTextDocument(objectUri(node.bucket, node.key, force));
  const language = { json: 'json', csv: 'csv', parquet: 'markdown', text: undefined }[previewKind(node.key)];
  const shown =
    language && document.languageId !== language
      ? await vscode.languages.setTextDocumentLanguage(document, language).then(
          (d) => d,
          () => document,
        )
      : document;
  return vscode.window.showTextDocument(shown, { preview: true });
}
