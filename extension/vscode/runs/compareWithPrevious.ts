import * as vscode from 'vscode';
import { previousWithReport } from '../../core/runs/join';
import { QualityPanel } from './qualityPanel';
import type { RunNode } from './runNode';
import type { RunsTreeProvider } from './runsTree';

/** Compare with Previous Run: the report beside the one of the run before it, deltas highlighted. */
export async function compareWithPrevious(
  extensionUri: vscode.Uri,
  tree: RunsTreeProvider,
  node: RunNode,
): Promise<QualityPanel | undefined> {
  const runs = await tree.runs();
  const previous = previousWithReport(runs, node.run.id);
  if (!node.run.transform || !previous?.transform) {
    void vscode.window.showInformationMessage('ETL: no earlier run with a quality report to compare with.');
    return undefined;
  }
  return QualityPanel.show(extensionUri, node.run.transform, () => tree.model.runs, previous.transform.run_id);
}
