import * as vscode from 'vscode';
import type { OpenTarget } from '../../core/lineage/graph';
import type { EtlServices } from '../common/services';

/** A click in the lineage graph: the raw object's preview, the gold table's grid, the column's code line. */
export async function openTarget(services: EtlServices, target: Exclude<OpenTarget, { kind: 'lineage' }>) {
  if (target.kind === 'object')
    return vscode.commands.executeCommand('etlSpark.buckets.preview', { bucket: target.bucket, key: target.key });
  if (target.kind === 'table') return vscode.commands.executeCommand('etlSpark.gold.previewTable', target.table);
  const file = vscode.Uri.joinPath(vscode.Uri.file(services.project().paths.root), target.file);
  const at = new vscode.Position(Math.max(0, target.line - 1), 0);
  return vscode.window.showTextDocument(file, { selection: new vscode.Range(at, at), preview: true });
}
