import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import { GridFeed } from '../../core/gold/feed';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';
import type { TableNode } from './tableNode';

/**
 * "Preview Table": a paged, sortable grid of the table's current snapshot. Given a table's folder (a link in
 * the lineage graph), that table; without a node, asks which table.
 */
export async function previewTableCommand(
  services: EtlServices,
  open: (panel: GridPanel) => void,
  node?: TableNode | string,
): Promise<GridPanel | undefined> {
  const catalog = await goldCatalog(services);
  let ref = typeof node === 'string' ? await tableNamed(catalog, node) : node?.ref;
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

async function tableNamed(catalog: Awaited<ReturnType<typeof goldCatalog>>, root: string) {
  const ref = (await catalog.tables()).find((t) => t.root.replace(/\/$/, '') === root || t.name === root);
  if (!ref) {
    await catalog.close();
    throw new EtlError(`gold has no table ${root}`, 'refresh the Gold tables view: the table may have been removed');
  }
  return ref;
}
