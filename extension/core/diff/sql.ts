import { quoteIdent, quoteLiteral } from '../gold/sql';
import type { DiffInput, RowsSelector } from './model';

/**
 * The SQL of a diff, for DuckDB, built from the names of tables and columns we read (quoted), never from a
 * shell. `a` is the side after, `b` the side before. Values compare null-safe (IS DISTINCT FROM).
 */

const q = quoteIdent;
const keyMatch = (key: string[]) => key.map((k) => `a.${q(k)} IS NOT DISTINCT FROM b.${q(k)}`).join(' AND ');
const differs = (column: string) => `a.${q(column)} IS DISTINCT FROM b.${q(column)}`;

/** Rows of `from` whose key is not on the other side (`NOT EXISTS`: exact with nulls, one hash join in DuckDB). */
function keyedOnly(from: string, other: string, key: string[], alias: 'a' | 'b', select = `${alias}.*`): string {
  const otherAlias = alias === 'a' ? 'b' : 'a';
  const match = `SELECT 1 FROM ${other} ${otherAlias} WHERE ${keyMatch(key)}`;
  return `SELECT ${select} FROM ${from} ${alias} WHERE NOT EXISTS (${match})`;
}

export const joined = (input: DiffInput) => `${input.after} a JOIN ${input.before} b ON ${keyMatch(input.key)}`;

/**
 * Added, removed and changed rows, and how many rows changed in each compared column, in one pass each.
 * `totals` false: added and removed are left out (0), the per-partition counts already hold them.
 */
export function keyedCountsSql(input: DiffInput, compared: string[], totals = true): string {
  const any = compared.length ? compared.map(differs).join(' OR ') : 'false';
  const perColumn = compared.map((c, i) => `count(*) FILTER (WHERE ${differs(c)}) AS c${i}`);
  const only = (from: string, other: string, alias: 'a' | 'b') =>
    totals ? `(SELECT count(*) FROM (${keyedOnly(from, other, input.key, alias, '1')}))` : '0';
  return [
    'SELECT',
    `${only(input.after, input.before, 'a')} AS added,`,
    `${only(input.before, input.after, 'b')} AS removed,`,
    `count(*) FILTER (WHERE ${any}) AS changed${perColumn.length ? ',' : ''}`,
    perColumn.join(', '),
    `FROM ${joined(input)}`,
  ].join(' ');
}

export function keyText(key: string[], alias: 'a' | 'b'): string {
  const part = (k: string) => `${quoteLiteral(`${k}=`)} || coalesce(CAST(${alias}.${q(k)} AS VARCHAR), 'null')`;
  return key.map(part).join(" || ', ' || ");
}

/** A few rows where `column` changed: the key as text, the value before and after. */
export function examplesSql(input: DiffInput, column: string, limit: number): string {
  return `SELECT ${keyText(input.key, 'a')} AS key, CAST(b.${q(column)} AS VARCHAR) AS before, ` +
    `CAST(a.${q(column)} AS VARCHAR) AS after FROM ${joined(input)} WHERE ${differs(column)} ` +
    `ORDER BY key LIMIT ${Math.trunc(limit)}`;
}

/** The columns of both sides in one order: a keyless side compared row for row needs the same list. */
const columnList = (columns: string[]) => columns.map(q).join(', ');

export function multisetSql(from: string, other: string, columns: string[]): string {
  return `SELECT ${columnList(columns)} FROM ${from} EXCEPT ALL SELECT ${columnList(columns)} FROM ${other}`;
}

/** A keyless table's rows added and removed (each a multiset difference). */
export function multisetCountsSql(input: DiffInput, columns: string[]): string {
  const count = (from: string, other: string) => `(SELECT count(*) FROM (${multisetSql(from, other, columns)}))`;
  return `SELECT ${count(input.after, input.before)}, ${count(input.before, input.after)}`;
}

/** A keyless table's rows before and after, and rows added and removed, per value of `group`. */
export function groupCountsSql(input: DiffInput, columns: string[], group: string): string {
  const g = q(group);
  const tally = (sql: string, name: string) => `SELECT ${g} AS value, count(*) AS ${name} FROM (${sql}) GROUP BY 1`;
  const parts = [
    tally(`SELECT ${g} FROM ${input.before}`, 'n'),
    tally(`SELECT ${g} FROM ${input.after}`, 'n'),
    tally(multisetSql(input.after, input.before, columns), 'n'),
    tally(multisetSql(input.before, input.after, columns), 'n'),
  ];
  const names = ['before', 'after', 'added', 'removed'];
  const values = parts.map((sql, i) => `SELECT value, '${names[i]}' AS side, n FROM (${sql})`).join(' UNION ALL ');
  return `SELECT value, ${names.map((n) => `sum(n) FILTER (WHERE side = '${n}') AS ${n}`).join(', ')} ` +
    `FROM (${values}) GROUP BY value ORDER BY value NULLS FIRST`;
}

/**
 * Per partition (the values of `partitionBy`): rows before and after, added, removed and changed, in one
 * GROUP BY over the tallies of each side. Keyed tables: added and removed by key, changed counted in the
 * partition of the row after; keyless: added and removed as multisets over `columns`, changed 0.
 */
export function partitionCountsSql(input: DiffInput, columns: string[], partitionBy: string[]): string {
  const parts = partitionBy.map(q).join(', ');
  const of = (alias: 'a' | 'b') => partitionBy.map((c) => `${alias}.${q(c)}`).join(', ');
  const positions = partitionBy.map((_, i) => i + 1).join(', ');
  const tally = (side: string, sql: string) =>
    `SELECT ${parts}, '${side}' AS side, count(*) AS n FROM (${sql}) GROUP BY ${positions}`;
  const compared = columns.filter((c) => !input.key.includes(c));
  const any = compared.length ? compared.map(differs).join(' OR ') : 'false';
  const sides: [string, string][] = input.key.length
    ? [
        ['added', keyedOnly(input.after, input.before, input.key, 'a', of('a'))],
        ['removed', keyedOnly(input.before, input.after, input.key, 'b', of('b'))],
        ['changed', `SELECT ${of('a')} FROM ${joined(input)} WHERE ${any}`],
      ]
    : [
        ['added', multisetSql(input.after, input.before, columns)],
        ['removed', multisetSql(input.before, input.after, columns)],
      ];
  const all: [string, string][] = [
    ['before', `SELECT ${parts} FROM ${input.before}`],
    ['after', `SELECT ${parts} FROM ${input.after}`],
    ...sides,
  ];
  const names = ['before', 'after', 'added', 'removed', 'changed'];
  const sums = names.map((n) => `coalesce(sum(n) FILTER (WHERE side = '${n}'), 0) AS ${n}`).join(', ');
  return `SELECT ${parts}, ${sums} FROM (${all.map(([side, sql]) => tally(side, sql)).join(' UNION ALL ')}) ` +
    `GROUP BY ${positions} ORDER BY ${positions} NULLS FIRST`;
}

/** The rows a count stands for, as a SELECT the grid can page. */
export function rowsSql(input: DiffInput, columns: string[], selector: RowsSelector): string {
  switch (selector.kind) {
    case 'added':
      return input.key.length
        ? keyedOnly(input.after, input.before, input.key, 'a')
        : multisetSql(input.after, input.before, columns);
    case 'removed':
      return input.key.length
        ? keyedOnly(input.before, input.after, input.key, 'b')
        : multisetSql(input.before, input.after, columns);
    case 'changed': {
      const compared = columns.filter((c) => !input.key.includes(c));
      return `SELECT a.* FROM ${joined(input)} WHERE ${compared.length ? compared.map(differs).join(' OR ') : 'false'}`;
    }
    case 'column': {
      const key = input.key.map((k) => `a.${q(k)}`).join(', ');
      const column = selector.column;
      return `SELECT ${key}, b.${q(column)} AS ${q(`${column} before`)}, a.${q(column)} AS ${q(`${column} after`)} ` +
        `FROM ${joined(input)} WHERE ${differs(column)}`;
    }
    case 'group-added':
    case 'group-removed': {
      const [from, other] = selector.kind === 'group-added' ? [input.after, input.before] : [input.before, input.after];
      const value = selector.value === null ? 'IS NULL' : `= ${quoteLiteral(selector.value)}`;
      return `SELECT * FROM (${multisetSql(from, other, columns)}) WHERE ${q(input.groupBy ?? '')} ${value}`;
    }
  }
}
