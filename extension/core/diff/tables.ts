import { CONTRACT } from '../contract';
import type { GoldKind } from '../gold/tables';

/** A gold table as config/contract.json declares it: the columns that identify a row, and its partitions. */
export interface GoldTableSpec {
  /** Its folder in the gold bucket, e.g. `fact_trips`, `quarantine/rejected_trips`. */
  table: string;
  kind: GoldKind;
  /** Empty for the quarantine: two rejected rows can be equal, so it is compared as a multiset. */
  key: string[];
  partitionBy: string[];
}

type Declared = { kind: string; key: string[]; partitionBy: string[] };

/** Every table the transform writes, in the contract's order (fact, dimensions, marts, quarantine). */
export const GOLD_TABLE_SPECS: GoldTableSpec[] = Object.entries(CONTRACT.goldTables as Record<string, unknown>)
  .filter(([table]) => !table.startsWith('$'))
  .map(([table, declared]) => {
    const { kind, key, partitionBy } = declared as Declared;
    return { table, kind: kind as GoldKind, key, partitionBy };
  });

export function specOf(table: string): GoldTableSpec | undefined {
  return GOLD_TABLE_SPECS.find((spec) => spec.table === table.replace(/\/$/, ''));
}
