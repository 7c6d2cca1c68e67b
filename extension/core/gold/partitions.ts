import type { DeltaFile, DeltaTableState } from './deltaLog';

/** One partition of a table's current snapshot: its values, files, rows and bytes. */
export interface PartitionSummary {
  /** `pickup_year=2024/pickup_month=1`; empty for an unpartitioned table. */
  label: string;
  values: Record<string, string | null>;
  files: DeltaFile[];
  /** Sum of the files' row counts; undefined when a file has no stats. */
  rows?: number;
  bytes: number;
}

const labelOf = (columns: string[], values: Record<string, string | null>) =>
  columns.map((c) => `${c}=${values[c] ?? 'null'}`).join('/');

/** Partitions in natural order (2024/1 before 2024/10: numbers compare as numbers). */
export function partitionsOf(table: DeltaTableState): PartitionSummary[] {
  const groups = new Map<string, PartitionSummary>();
  for (const file of table.files) {
    const label = labelOf(table.partitionColumns, file.partitionValues);
    const group = groups.get(label) ?? { label, values: file.partitionValues, files: [], rows: 0, bytes: 0 };
    group.files.push(file);
    group.bytes += file.size;
    group.rows = group.rows === undefined || file.rows === undefined ? undefined : group.rows + file.rows;
    groups.set(label, group);
  }
  return [...groups.values()].sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
}

/** Rows of the whole snapshot, when every file has stats. */
export function tableRows(table: DeltaTableState): number | undefined {
  let total = 0;
  for (const file of table.files) {
    if (file.rows === undefined) return undefined;
    total += file.rows;
  }
  return total;
}

export const tableBytes = (table: DeltaTableState) => table.files.reduce((sum, f) => sum + f.size, 0);
