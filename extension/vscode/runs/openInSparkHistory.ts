import * as vscode from 'vscode';
import { sparkHistoryUrl } from '../../core/runs/rerun';
import type { EtlServices } from '../common/services';
import type { RunNode } from './runNode';
import type { SparkAppNode } from './sparkAppNode';

/** Open in Spark History: the finished transform's Spark UI, rebuilt from its event log. */
export async function openInSparkHistory(
  services: EtlServices,
  node: SparkAppNode | RunNode,
): Promise<string | undefined> {
  const appId =
    node instanceof vscode.TreeItem && 'appId' in node ? node.appId : (node as RunNode).run.transform?.app_id;
  if (!appId) {
    void vscode.window.showInformationMessage('ETL: this run has no Spark application (no transform ran in it).');
    return undefined;
  }
  const url = sparkHistoryUrl(services.project(), appId);
  services.diagnostics.info(`opening ${url}`);
  await vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}
