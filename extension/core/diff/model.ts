/** What the diff of two versions of a gold table says (core/diff/engine.ts computes it). */

export interface ColumnType {
  name: string;
  type: string;
}

/** Two sides of a table, each a DuckDB relation (a view's quoted name), and how to tell rows apart. */
export interface DiffInput {
  table: string;
  /** Key columns; empty: compare the rows as multisets (the quarantine). */
  key: string[];
  before: string;
  after: string;
  /** The rows compared, in words: "2024-01, 2024-02" or "whole table". */
  scope: string;
  /** A column whose values split a keyless diff (the quarantine: `reject_rule`). */
  groupBy?: string;
  /**
   * The table's partition columns (a month-partitioned table: year and month): the diff then also counts per
   * partition. Used only when both sides have them all.
   */
  partitionBy?: string[];
}

export interface ValueExample {
  /** The row's key, `col=value` joined with `, `. */
  key: string;
  before: string | null;
  after: string | null;
}

export interface ColumnChange {
  column: string;
  changed: number;
  examples: ValueExample[];
}

/** A keyless table's change within one group (a quarantine rule). */
export interface GroupChange {
  value: string | null;
  before: number;
  after: number;
  added: number;
  removed: number;
}

/**
 * One partition's change: rows before and after, added and removed (keyless: as multisets), changed (keyed: a
 * row whose key is on both sides, counted in its partition after).
 */
export interface PartitionChange {
  /** `pickup_year=2024/pickup_month=1`, as the Gold tables view's Partitions name it. */
  label: string;
  /** The partition's values as text, in `partitionBy` order (null kept). */
  values: (string | null)[];
  before: number;
  after: number;
  added: number;
  removed: number;
  changed: number;
}

export interface SchemaChange {
  added: ColumnType[];
  removed: ColumnType[];
  retyped: { name: string; before: string; after: string }[];
}

export interface TableDiff {
  table: string;
  key: string[];
  scope: string;
  rowsBefore: number;
  rowsAfter: number;
  added: number;
  removed: number;
  /** Rows whose key is on both sides with another value in some column (0 for a keyless table). */
  changed: number;
  /** Only the columns with a change. */
  columns: ColumnChange[];
  schema: SchemaChange;
  groupBy?: string;
  groups?: GroupChange[];
  /** With `partitionBy`: the columns and every partition on either side, in natural order. */
  partitionBy?: string[];
  partitions?: PartitionChange[];
}

/** Which rows a count stands for (the grid opens them). */
export type RowsSelector =
  | { kind: 'added' | 'removed' | 'changed' }
  | { kind: 'column'; column: string }
  | { kind: 'group-added' | 'group-removed'; value: string | null };

export const isUnchanged = (diff: TableDiff): boolean =>
  diff.added === 0 && diff.removed === 0 && diff.changed === 0 && diff.rowsBefore === diff.rowsAfter
  && !diff.schema.added.length && !diff.schema.removed.length && !diff.schema.retyped.length;
