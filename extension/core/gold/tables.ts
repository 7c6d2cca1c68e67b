import type { Client } from 'minio';
import { listPage } from '../s3/listing';

/** What a gold table is in the star schema (docs/data-model.md); the view groups and orders by it. */
export type GoldKind = 'fact' | 'dimension' | 'mart' | 'quarantine' | 'other';

export interface GoldTableRef {
  /** Folder in the gold bucket, e.g. `fact_trips/`, `quarantine/rejected_trips/`. */
  root: string;
  /** Its SQL name in "Query Gold…": the folder with `/` → `_` (`quarantine_rejected_trips`). */
  name: string;
  kind: GoldKind;
}

const KIND_ORDER: GoldKind[] = ['fact', 'dimension', 'mart', 'quarantine', 'other'];

export function kindOf(root: string): GoldKind {
  if (root.startsWith('quarantine/')) return 'quarantine';
  if (root.startsWith('fact_')) return 'fact';
  if (root.startsWith('dim_')) return 'dimension';
  if (root.startsWith('mart_')) return 'mart';
  return 'other';
}

export const sqlNameOf = (root: string) => root.replace(/\/$/, '').replace(/[^A-Za-z0-9_]/g, '_');

const hasLog = (prefixes: string[], folder: string) => prefixes.includes(`${folder}_delta_log/`);

/**
 * The Delta tables of the gold bucket: every top-level folder with a `_delta_log/`, and one level
 * below for folders that group tables (`quarantine/rejected_trips/`). `_quality/` and other `_`
 * folders are not tables. Costs one listing per top-level folder, never a listing of the data.
 */
export async function listGoldTables(client: Client, bucket: string): Promise<GoldTableRef[]> {
  const top = (await listPage(client, bucket, '', { pageSize: 1000 })).prefixes.filter((p) => !p.startsWith('_'));
  const roots: string[] = [];
  for (const folder of top) {
    const inside = (await listPage(client, bucket, folder, { pageSize: 1000 })).prefixes;
    if (hasLog(inside, folder)) {
      roots.push(folder);
      continue;
    }
    for (const sub of inside.filter((p) => !p.slice(folder.length).startsWith('_'))) {
      const below = (await listPage(client, bucket, sub, { pageSize: 1000 })).prefixes;
      if (hasLog(below, sub)) roots.push(sub);
    }
  }
  return roots
    .map((root) => ({ root, name: sqlNameOf(root), kind: kindOf(root) }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.root.localeCompare(b.root));
}
