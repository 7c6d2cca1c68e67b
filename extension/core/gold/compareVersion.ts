import { diffTable } from '../diff/engine';
import { formatDiffs } from '../diff/format';
import type { DiffInput, RowsSelector, TableDiff } from '../diff/model';
import { rowsSql } from '../diff/sql';
import { specOf } from '../diff/tables';
import { EtlError } from '../errors';
import { describeSelector } from '../preview/compare';
import type { GoldCatalog, GridSource } from './catalog';
import type { DeltaTableState } from './deltaLog';
import { quoteIdent } from './sql';
import type { GoldTableRef } from './tables';

/**
 * Compare with current: one gold table at version N against its current version, through the catalog's time
 * travel (two views of one DuckDB) and the diff engine of `etl preview` (core/diff): the same counts, the same
 * schema change, per partition for a partitioned table.
 */
export interface VersionCompare {
  /** The table's folder without its slash: `fact_trips`, `quarantine/rejected_trips`. */
  table: string;
  version: number;
  current: number;
  diff: TableDiff;
  /** The schema changes the log recorded after version N (History's lines), each prefixed by its version. */
  schemaHistory: string[];
  seconds: number;
}

/** "fact_trips v3 → current (v5)": the panel's title and the text's first line. */
export const compareTitle = (c: Pick<VersionCompare, 'table' | 'version' | 'current'>) =>
  `${c.table} v${c.version} → current (v${c.current})`;

/** A table as the user names it: its folder (`quarantine/rejected_trips`, trailing slash or not) or SQL name. */
export async function resolveTable(catalog: GoldCatalog, table: string): Promise<GoldTableRef> {
  const refs = await catalog.tables();
  const wanted = table.replace(/\/$/, '');
  const ref = refs.find((r) => r.root === `${wanted}/` || r.name === wanted);
  if (!ref)
    throw new EtlError(
      `no gold table ${table}`,
      refs.length
        ? `the gold tables are: ${refs.map((r) => r.root.replace(/\/$/, '')).join(', ')}`
        : 'run the pipeline (Extract, then Transform) first',
    );
  return ref;
}

/** The schema changes committed after `version` up to the current one, oldest first: "v4: + column x double". */
export function schemaSince(current: DeltaTableState, version: number): string[] {
  return current.history
    .filter((c) => c.version > version && c.version <= current.version)
    .reverse()
    .flatMap((c) => (c.schemaChanges ?? []).map((line) => `v${c.version}: ${line}`));
}

/**
 * The two sides as views of the catalog's DuckDB (`v<N>_<name>` and `current_<name>`) and the diff's input:
 * the contract's key (none: rows compared as multisets) and partitions (else the Delta log's).
 */
export async function compareInput(
  catalog: GoldCatalog,
  ref: GoldTableRef,
  version: number,
): Promise<{ input: DiffInput; columns: string[]; past: DeltaTableState; now: DeltaTableState }> {
  const now = await catalog.table(ref.root);
  const past = await catalog.table(ref.root, { version });
  const before = `v${version}_${ref.name}`;
  const after = `current_${ref.name}`;
  await catalog.register({ ...ref, name: before }, past);
  await catalog.register({ ...ref, name: after }, now);
  const spec = specOf(ref.root);
  const input: DiffInput = {
    table: ref.root.replace(/\/$/, ''),
    key: spec?.key ?? [],
    before: quoteIdent(before),
    after: quoteIdent(after),
    scope: 'whole table',
    groupBy: ref.kind === 'quarantine' ? 'reject_rule' : undefined,
    partitionBy: spec?.partitionBy ?? now.partitionColumns,
  };
  const columns = (await (await catalog.duck()).columns(input.after)).map((c) => c.name);
  return { input, columns, past, now };
}

/** Version `version` of `table` against its current version. */
export async function compareVersion(catalog: GoldCatalog, table: string, version: number): Promise<VersionCompare> {
  const started = performance.now();
  const ref = await resolveTable(catalog, table);
  const { input, now } = await compareInput(catalog, ref, version);
  const diff = await diffTable(await catalog.duck(), input);
  return {
    table: input.table,
    version,
    current: now.version,
    diff,
    schemaHistory: schemaSince(now, version),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The rows behind one count of a compare, as a grid source. */
export async function compareRows(
  catalog: GoldCatalog,
  compare: Pick<VersionCompare, 'table' | 'version'>,
  selector: RowsSelector,
): Promise<GridSource> {
  const ref = await resolveTable(catalog, compare.table);
  const { input, columns } = await compareInput(catalog, ref, compare.version);
  const title = `${compare.table} v${compare.version} → current: ${describeSelector(selector)}`;
  const source = await catalog.result(rowsSql(input, columns, selector), title);
  return { ...source, first: input.groupBy && selector.kind !== 'column' ? input.groupBy : undefined };
}

/** `etl gold compare`'s text: the title, the diff as `etl preview` prints it, the schema changes History recorded. */
export function formatVersionCompare(compare: VersionCompare): string {
  const lines = [compareTitle(compare), '', formatDiffs([compare.diff])];
  if (compare.schemaHistory.length)
    lines.push('', `schema changes committed since v${compare.version}:`, 
      ...compare.schemaHistory.map((s) => `  ${s}`));
  lines.push('', `time: ${compare.seconds.toFixed(1)} s`);
  return lines.join('\n');
}
