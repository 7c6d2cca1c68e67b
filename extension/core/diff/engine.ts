import type { GoldEngine } from '../gold/engine';
import type { ColumnType, DiffInput, GroupChange, PartitionChange, SchemaChange, TableDiff } from './model';
import { examplesSql, groupCountsSql, keyedCountsSql, multisetCountsSql, partitionCountsSql } from './sql';

export const EXAMPLES_PER_COLUMN = 3;

/**
 * The diff of one table's two sides, computed in DuckDB: rows before and after; keyed tables: rows added,
 * removed and changed, and per column how many changed with a few examples; keyless tables (the quarantine):
 * the rows added and removed as multisets, per value of `groupBy`. Columns on one side only, or of another type,
 * are the schema change; values are compared on the columns both sides have. With `partitionBy` (both sides
 * having those columns), the same counts per partition too.
 */
export async function diffTable(duck: GoldEngine, input: DiffInput): Promise<TableDiff> {
  const [before, after] = await Promise.all([duck.columns(input.before), duck.columns(input.after)]);
  const schema = schemaChange(before, after);
  const common = after.map((c) => c.name).filter((name) => before.some((b) => b.name === name));
  const [rowsBefore, rowsAfter] = await Promise.all([duck.count(input.before), duck.count(input.after)]);
  const partitioned = await partitionChanges(duck, input, common);
  const { table, key, scope } = input;
  const base = { table, key, scope, rowsBefore, rowsAfter, schema, ...partitioned };
  if (!input.key.length) return { ...base, ...(await keylessChange(duck, input, common)), changed: 0, columns: [] };
  const compared = common.filter((name) => !input.key.includes(name));
  // Partitioned: added and removed are the partitions' sums (no second pass over both sides for the totals).
  const parts = partitioned.partitions;
  const { rows } = await duck.rows(keyedCountsSql(input, compared, !parts));
  const [keyedAdded, keyedRemoved, changed, ...perColumn] = rows[0].map((v) => Number(v ?? 0));
  const sum = (pick: (p: PartitionChange) => number) => (parts ?? []).reduce((total, p) => total + pick(p), 0);
  const [added, removed] = parts ? [sum((p) => p.added), sum((p) => p.removed)] : [keyedAdded, keyedRemoved];
  const columns = [];
  for (const [i, column] of compared.entries()) {
    if (!perColumn[i]) continue;
    const examples = (await duck.rows(examplesSql(input, column, EXAMPLES_PER_COLUMN))).rows.map(([key, b, a]) => ({
      key: key ?? '',
      before: b,
      after: a,
    }));
    columns.push({ column, changed: perColumn[i], examples });
  }
  return { ...base, added, removed, changed, columns };
}

async function keylessChange(
  duck: GoldEngine,
  input: DiffInput,
  common: string[],
): Promise<Pick<TableDiff, 'added' | 'removed' | 'groupBy' | 'groups'>> {
  const group = input.groupBy && common.includes(input.groupBy) ? input.groupBy : undefined;
  if (!group) {
    const { rows } = await duck.rows(multisetCountsSql(input, common));
    return { added: Number(rows[0][0]), removed: Number(rows[0][1]) };
  }
  const { rows } = await duck.rows(groupCountsSql(input, common, group));
  const groups: GroupChange[] = rows.map(([value, b, a, added, removed]) => ({
    value,
    before: Number(b ?? 0),
    after: Number(a ?? 0),
    added: Number(added ?? 0),
    removed: Number(removed ?? 0),
  }));
  const sum = (pick: (g: GroupChange) => number) => groups.reduce((total, g) => total + pick(g), 0);
  return { added: sum((g) => g.added), removed: sum((g) => g.removed), groupBy: group, groups };
}

/** The per-partition counts, when the input asks for them and both sides have its partition columns. */
async function partitionChanges(
  duck: GoldEngine,
  input: DiffInput,
  common: string[],
): Promise<Pick<TableDiff, 'partitionBy' | 'partitions'>> {
  const partitionBy = input.partitionBy ?? [];
  if (!partitionBy.length || !partitionBy.every((c) => common.includes(c))) return {};
  const { rows } = await duck.rows(partitionCountsSql(input, common, partitionBy));
  const partitions: PartitionChange[] = rows.map((row) => {
    const values = row.slice(0, partitionBy.length);
    const [before, after, added, removed, changed] = row.slice(partitionBy.length).map((v) => Number(v ?? 0));
    const label = partitionBy.map((c, i) => `${c}=${values[i] ?? 'null'}`).join('/');
    return { label, values, before, after, added, removed, changed };
  });
  return { partitionBy, partitions };
}

export function schemaChange(before: ColumnType[], after: ColumnType[]): SchemaChange {
  const typeOf = (side: ColumnType[], name: string) => side.find((c) => c.name === name)?.type;
  return {
    added: after.filter((c) => typeOf(before, c.name) === undefined),
    removed: before.filter((c) => typeOf(after, c.name) === undefined),
    retyped: after.flatMap((c) => {
      const previous = typeOf(before, c.name);
      return previous !== undefined && previous !== c.type ? [{ name: c.name, before: previous, after: c.type }] : [];
    }),
  };
}
