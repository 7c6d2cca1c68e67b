import { randomBytes } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { EtlError } from '../errors';
import type { GoldEngine } from './engine';

export type ExportFormat = 'csv' | 'parquet';

export interface ExportResult {
  path: string;
  format: ExportFormat;
  rows: number;
  bytes: number;
}

const OPTIONS: Record<ExportFormat, string> = { csv: 'FORMAT csv, HEADER', parquet: 'FORMAT parquet' };

/**
 * DuckDB's COPY of a SELECT into a file. The file's path is the prepared statement's parameter $1, never
 * SQL text: any name (quotes, spaces, semicolons) reaches DuckDB as a value.
 */
export function copySql(select: string, format: ExportFormat): string {
  return `COPY (${select}) TO $1 (${OPTIONS[format]})`;
}

/** The format a file name asks for (its extension), or undefined. */
export function exportFormatOf(path: string): ExportFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return undefined;
}

/** The path as chosen, with the format's extension added when the name has none. */
export function withExtension(path: string, format: ExportFormat): string {
  return extname(path) ? path : `${path}.${format}`;
}

/**
 * A hidden file next to the target (same folder, so the rename is atomic on one file system), unique per export:
 * the target appears whole or not at all.
 */
export function partialPathFor(target: string, token = randomBytes(4).toString('hex')): string {
  return join(dirname(target), `.${basename(target)}.${token}.part`);
}

/**
 * A file name (no extension) for what a grid shows: its table (`fact_trips`, a version: `fact_trips-v3`), for a
 * query `query-` and the tables it reads from (`query-fact_trips-dim_zone`, `query-result` when none is named),
 * else its title.
 */
export function exportStem(shown: { table?: string; title: string; sql?: string }): string {
  const safe = (text: string) =>
    text
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80);
  if (shown.table) {
    const version = /@v(\d+)/.exec(shown.title);
    return safe(`${shown.table}${version ? `-v${version[1]}` : ''}`) || 'table';
  }
  // Rows of a diff (no table, no query): after their title, e.g. `fact_trips · added` → `fact_trips-added`.
  if (shown.sql === undefined) return safe(shown.title) || 'query-result';
  const tables = [...shown.sql.matchAll(/\b(?:from|join)\s+"?([A-Za-z_][A-Za-z0-9_]*)/gi)].map((m) => m[1]);
  const named = [...new Set(tables)].slice(0, 3);
  return safe(`query-${named.length ? named.join('-') : 'result'}`);
}

/**
 * Writes every row of `select` to `target` as CSV (with a header) or Parquet, in DuckDB. It writes to a partial file
 * beside the target first and renames it, so a failed export leaves nothing (an existing target stays as it was).
 */
export async function exportSelect(
  engine: GoldEngine,
  select: string,
  target: string,
  format: ExportFormat,
): Promise<ExportResult> {
  const partial = partialPathFor(target);
  try {
    const rows = await engine.copyTo(copySql(select, format), partial);
    await rename(partial, target);
    return { path: target, format, rows, bytes: (await stat(target)).size };
  } catch (error) {
    await rm(partial, { force: true });
    const reason = error instanceof Error ? error.message : String(error);
    throw new EtlError(
      `the export to ${target} failed: ${reason}`,
      'choose a folder that exists and that you can write to, then export again',
    );
  }
}
