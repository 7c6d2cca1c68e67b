import * as vscode from 'vscode';
import { QualityPanel } from './qualityPanel';
import type { RunNode } from './runNode';
import type { RunsTreeProvider } from './runsTree';

/** Open Quality Report: the run's report as a webview (totals, per month, rejected rows per rule). */
export async function openQualityReport(
  extensionUri: vscode.Uri,
  tree: RunsTreeProvider,
  node?: RunNode,
): Promise<QualityPanel | undefined> {
  const runs = await tree.runs();
  const run = node?.run ?? runs.find((r) => r.transform);
  if (!run?.transform) {
    void vscode.window.showInformationMessage(
      'ETL: no quality report yet: a transform writes one to gold/_quality/ when it succeeds.',
    );
    return undefined;
  }
  return QualityPanel.show(extensionUri, run.transform, () => tree.model.runs);
}
