import { join } from 'node:path';
import { diffTable } from '../diff/engine';
import type { DiffInput, RowsSelector, TableDiff } from '../diff/model';
import { rowsSql } from '../diff/sql';
import { GOLD_TABLE_SPECS, specOf, type GoldTableSpec } from '../diff/tables';
import type { GoldCatalog, GridSource } from '../gold/catalog';
import { quoteIdent, quoteLiteral } from '../gold/sql';
import { sqlNameOf, type GoldTableRef } from '../gold/tables';
import type { PreviewOutput } from './run';

/** A preview against gold: each table's diff, and the Delta version of gold it was compared with. */
export interface PreviewDiff {
  preview: PreviewOutput;
  tables: TableDiff[];
  /** Each table's gold version when compared (null: not in gold yet). Nothing was committed by the preview. */
  goldVersions: Record<string, number | null>;
  diffSeconds: number;
}

/** The months a table of the preview covers, as its partition values: `(2024, 1)`. */
function monthTuples(months: string[]): string {
  return months.map((m) => `(${m.split('-').map((part) => String(Number(part))).join(', ')})`).join(', ');
}

/** Gold as the diff reads it: its tables, each registered as a view over its current snapshot. */
export interface GoldSnapshot {
  refs: GoldTableRef[];
  versions: Map<string, number>;
}

/** Lists and registers every gold table (what a diff needs of gold; can run while the preview runs). */
export async function loadGold(catalog: GoldCatalog): Promise<GoldSnapshot> {
  const refs = await catalog.tables();
  const states = await Promise.all(refs.map((ref) => catalog.register(ref)));
  return { refs, versions: new Map(refs.map((ref, i) => [ref.root, states[i].version])) };
}

/**
 * The two sides of one table in the catalog's DuckDB: the preview's Parquet files (after) and gold's current
 * snapshot (before), gold limited to the preview's months for a month-partitioned table (dimensions: whole).
 */
export async function previewInput(
  catalog: GoldCatalog,
  preview: PreviewOutput,
  spec: GoldTableSpec,
  gold: GoldSnapshot,
): Promise<{ input: DiffInput; columns: string[]; version: number | null }> {
  const duck = await catalog.duck();
  const name = `${preview.id.replace(/[^A-Za-z0-9]/g, '_')}_${sqlNameOf(spec.table)}`;
  const after = quoteIdent(`after_${name}`);
  const files = join(preview.dir, spec.table, '*.parquet');
  await duck.run(`CREATE OR REPLACE VIEW ${after} AS SELECT * FROM read_parquet(${quoteLiteral(files)})`);
  const ref = gold.refs.find((r) => r.root === `${spec.table}/`);
  const whole = ref ? `SELECT * FROM ${quoteIdent(ref.name)}` : `SELECT * FROM ${after} WHERE false`;
  const scoped = spec.partitionBy.length && preview.months.length;
  const before = quoteIdent(`before_${name}`);
  const where = scoped
    ? ` WHERE (${spec.partitionBy.map(quoteIdent).join(', ')}) IN (${monthTuples(preview.months)})`
    : '';
  await duck.run(`CREATE OR REPLACE VIEW ${before} AS ${whole}${where}`);
  const input: DiffInput = {
    table: spec.table,
    key: spec.key,
    before,
    after,
    scope: scoped ? preview.months.join(', ') : 'whole table',
    groupBy: spec.kind === 'quarantine' ? 'reject_rule' : undefined,
    partitionBy: spec.partitionBy,
  };
  const columns = (await duck.columns(after)).map((c) => c.name);
  return { input, columns, version: ref ? (gold.versions.get(ref.root) ?? null) : null };
}

/** Every table of the preview against gold (`gold`: loaded while the preview ran, or now). */
export async function comparePreview(
  catalog: GoldCatalog,
  preview: PreviewOutput,
  gold?: GoldSnapshot,
): Promise<PreviewDiff> {
  const started = performance.now();
  const snapshot = gold ?? (await loadGold(catalog));
  const duck = await catalog.duck();
  const tables: TableDiff[] = [];
  const goldVersions: Record<string, number | null> = {};
  for (const spec of GOLD_TABLE_SPECS.filter((s) => preview.tables.includes(s.table))) {
    const { input, version } = await previewInput(catalog, preview, spec, snapshot);
    goldVersions[spec.table] = version;
    tables.push(await diffTable(duck, input));
  }
  return { preview, tables, goldVersions, diffSeconds: (performance.now() - started) / 1000 };
}

/** The rows behind one count of a table's diff, as a grid source (quarantine rows: the rule first). */
export async function previewRows(
  catalog: GoldCatalog,
  preview: PreviewOutput,
  table: string,
  selector: RowsSelector,
): Promise<GridSource> {
  const spec = specOf(table);
  if (!spec) throw new Error(`not a gold table of the contract: ${table}`);
  const { input, columns } = await previewInput(catalog, preview, spec, await loadGold(catalog));
  const source = await catalog.result(rowsSql(input, columns, selector), `${table}: ${describeSelector(selector)}`);
  return { ...source, first: spec.kind === 'quarantine' && selector.kind !== 'column' ? 'reject_rule' : undefined };
}

export function describeSelector(selector: RowsSelector): string {
  switch (selector.kind) {
    case 'column':
      return `${selector.column} changed`;
    case 'group-added':
      return `added to ${selector.value ?? 'kept'}`;
    case 'group-removed':
      return `removed from ${selector.value ?? 'kept'}`;
    default:
      return `${selector.kind} rows`;
  }
}
