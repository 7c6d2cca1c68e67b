import type { DeltaColumn, DeltaFile } from './deltaLog';

/** SQL text for DuckDB built from names and values we read (never from a shell). */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
export const quoteLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;

const SIMPLE: Record<string, string> = {
  string: 'VARCHAR',
  long: 'BIGINT',
  integer: 'INTEGER',
  short: 'SMALLINT',
  byte: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  binary: 'BLOB',
  timestamp: 'TIMESTAMPTZ',
  timestamp_ntz: 'TIMESTAMP',
};

/** DuckDB type of a Delta primitive type (partition columns are always primitive). */
export function duckTypeOf(deltaType: string): string {
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(deltaType);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  return SIMPLE[deltaType] ?? 'VARCHAR';
}

/**
 * `read_parquet([...])` of local files, with the partition values as columns: they live in the log, not
 * in the files.
 */
function partitionSelect(paths: string[], partitions: DeltaColumn[], values: Record<string, string | null>): string {
  const extra = partitions.map((c) => {
    const value = values[c.name];
    const literal = value === null || value === undefined ? 'NULL' : quoteLiteral(value);
    return `CAST(${literal} AS ${duckTypeOf(c.type)}) AS ${quoteIdent(c.name)}`;
  });
  const list = paths.map(quoteLiteral).join(', ');
  return `SELECT *${extra.length ? `, ${extra.join(', ')}` : ''} FROM read_parquet([${list}], union_by_name = true)`;
}

/**
 * The body of a view over a table's files: one SELECT per partition (files grouped by their
 * partition values) glued with UNION ALL BY NAME, then the columns in the table's schema order.
 * `paths[i]` is the local copy of `files[i]`.
 */
export function tableSelect(columns: DeltaColumn[], files: DeltaFile[], paths: string[]): string {
  const order = columns.map((c) => quoteIdent(c.name)).join(', ');
  if (!files.length) {
    const empty = columns.map(
      (c) => `CAST(NULL AS ${c.partition ? duckTypeOf(c.type) : deltaToDuckAny(c.type)}) AS ${quoteIdent(c.name)}`,
    );
    return `SELECT ${empty.join(', ')} WHERE false`;
  }
  const partitions = columns.filter((c) => c.partition);
  const groups = new Map<string, { values: Record<string, string | null>; paths: string[] }>();
  files.forEach((file, i) => {
    const id = JSON.stringify(partitions.map((c) => file.partitionValues[c.name] ?? null));
    const group = groups.get(id) ?? { values: file.partitionValues, paths: [] };
    group.paths.push(paths[i]);
    groups.set(id, group);
  });
  const parts = [...groups.values()].map((g) => partitionSelect(g.paths, partitions, g.values));
  return `SELECT ${order} FROM (${parts.join(' UNION ALL BY NAME ')})`;
}

/** Nested Delta types (JSON) of an empty table: shown as text. */
const deltaToDuckAny = (type: string) => (type.startsWith('{') ? 'VARCHAR' : duckTypeOf(type));

export interface SortSpec {
  column: string;
  descending: boolean;
}

/** Every row of `source` as the grid shows it: `first` column first, in the grid's sort (an export writes this). */
export function gridSelect(source: string, sort?: SortSpec, first?: string): string {
  const columns = first ? `${quoteIdent(first)}, * EXCLUDE (${quoteIdent(first)})` : '*';
  const order = sort ? ` ORDER BY ${quoteIdent(sort.column)} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST` : '';
  return `SELECT ${columns} FROM ${source}${order}`;
}

/** One page of `source` (a view or a result table), sorted in DuckDB so paging stays exact on millions of rows. */
export function pageSql(source: string, offset: number, limit: number, sort?: SortSpec, first?: string): string {
  return `${gridSelect(source, sort, first)} LIMIT ${Math.trunc(limit)} OFFSET ${Math.trunc(offset)}`;
}

/** The user's statement without trailing semicolons/whitespace, so it can be wrapped. */
export function statementBody(sql: string): string {
  return sql
    .trim()
    .replace(/;+\s*$/, '')
    .trim();
}

/** Which of `names` the SQL text mentions as a word (only those tables are fetched for a query). */
export function mentionedTables(sql: string, names: string[]): string[] {
  const lower = sql.toLowerCase();
  return names.filter((n) => new RegExp(`(^|[^a-z0-9_])${n.toLowerCase()}($|[^a-z0-9_])`).test(lower));
}
