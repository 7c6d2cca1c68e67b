import * as vscode from 'vscode';
import { compareVersion, type VersionCompare } from '../../core/gold/compareVersion';
import { EtlError } from '../../core/errors';
import type { EtlServices } from '../common/services';
import { PreviewPanel } from '../preview/previewPanel';
import { goldCatalog } from './goldTree';
import type { VersionNode } from './versionNode';

/**
 * "Compare with Current" on a History node: that version of the table against its current one (rows added,
 * removed and changed, per partition, schema changes) in the Change preview panel, by the diff of Preview Change.
 */
export async function compareVersionCommand(services: EtlServices, node?: VersionNode): Promise<VersionCompare> {
  if (!node?.commit)
    throw new EtlError(
      'Compare with Current needs a version',
      'right-click a version under a table’s History in the Gold tables view',
    );
  const catalog = await goldCatalog(services);
  try {
    const compare = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `ETL: comparing ${node.root.replace(/\/$/, '')} v${node.commit.version} with its current version`,
      },
      () => compareVersion(catalog, node.root, node.commit.version),
    );
    PreviewPanel.showCompare(services, compare);
    return compare;
  } finally {
    await catalog.close();
  }
}
