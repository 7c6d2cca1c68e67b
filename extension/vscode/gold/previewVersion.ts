import { EtlError } from '../../core/errors';
import { GridFeed } from '../../core/gold/feed';
import { kindOf, sqlNameOf } from '../../core/gold/tables';
import type { EtlServices } from '../common/services';
import { GridPanel } from './gridPanel';
import { goldCatalog } from './goldTree';
import type { VersionNode } from './versionNode';

/**
 * "Preview at This Version" on a History node: the same grid as Preview Table, over that version's
 * snapshot (its files are still in the bucket unless a VACUUM removed them: the grid then says so).
 */
export async function previewVersionCommand(
  services: EtlServices,
  open: (panel: GridPanel) => void,
  node?: VersionNode,
): Promise<GridPanel> {
  if (!node?.commit)
    throw new EtlError(
      'Preview at This Version needs a version',
      'right-click a version under a table’s History in the Gold tables view',
    );
  const ref = { root: node.root, name: sqlNameOf(node.root), kind: kindOf(node.root) };
  const version = node.commit.version;
  const catalog = await goldCatalog(services, { version });
  const panel = new GridPanel(
    services.context,
    catalog,
    GridFeed.preview(catalog, ref, `Gold: ${ref.name}@v${version}`),
  );
  open(panel);
  return panel;
}
