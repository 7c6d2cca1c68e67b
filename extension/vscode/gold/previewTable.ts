import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import { GridFeed } from '../../core/gold/feed';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';
import type { TableNode } from './tableNode';

/** "Preview Table": a paged, sortable grid of the table's current snapshot. Without a node, asks which table. */
export async function previewTableCommand(
  services: EtlServices,
  open: (panel: GridPanel) => void,
  node?: TableNode,
): Promise<GridPanel | undefined> {
  const catalog = await goldCatalog(services);
  let ref = node?.ref;
  if (!ref) {
    const tables = await catalog.tables();
    if (!tables.length) throw new EtlError('gold has no table yet', 'run the pipeline (ETL: Run Pipeline) first');
    const pick = await vscode.window.showQuickPick(
      tables.map((t) => ({ label: t.name, description: t.root, ref: t })),
      { title: 'Preview which gold table?' },
    );
    ref = pick?.ref;
  }
  if (!ref) {
    await catalog.close();
    return undefined;
  }
  const panel = new GridPanel(services.context, catalog, GridFeed.preview(catalog, ref));
  open(panel);
  return panel;
}
