import type { Client } from 'minio';
import { EtlError, UsageError } from '../errors';
import { baseName, parseS3aPath, unsafeKeyReason, type ObjectRef } from '../s3/paths';
import { jsonValue, objectAsyncBuffer, readParquetRows } from '../s3/preview';
import { objectSize } from '../s3/read';

/**
 * Row provenance: a fact_trips or quarantine row names its trip file (`source_path`) and its 0-based index in
 * that file (`source_row`, Spark's `_metadata.row_index` when the transform read it; src/etl/transform/schema.py).
 */
export const SOURCE_PATH = 'source_path';
export const SOURCE_ROW = 'source_row';

export interface RowSource {
  path: string;
  index: number;
}

export interface SourceRow extends RowSource {
  bucket: string;
  key: string;
  /** The raw row, by the file's own column names. */
  row: Record<string, unknown>;
  /** Rows in the file. */
  rows: number;
}

/** The provenance of a grid row (column names and cell texts); undefined when it has none. */
export function rowSourceOf(columns: string[], cells: (string | null)[]): RowSource | undefined {
  const path = cells[columns.indexOf(SOURCE_PATH)];
  const index = cells[columns.indexOf(SOURCE_ROW)];
  if (!path || index === null || index === undefined || !/^\d+$/.test(index)) return undefined;
  return { path, index: Number(index) };
}

/**
 * `s3a://rawzone/a/b.parquet` → rawzone, a/b.parquet (s3/paths.ts parses it); a path to no object, or a key that
 * is not safe to send (s3/paths.ts unsafeKeyReason), is refused before any S3 call.
 */
export function splitObjectUrl(path: string): ObjectRef {
  let ref: ObjectRef | undefined;
  try {
    ref = parseS3aPath(path);
  } catch {
    // not s3a://bucket/key: refused below, as a usage error
  }
  const unsafe = ref?.key ? unsafeKeyReason(ref.key) : undefined;
  if (ref?.key && unsafe)
    throw new UsageError(`${JSON.stringify(path)} is not a raw object's path: ${unsafe}`,
      'give the source_path of a fact_trips or quarantine row, as it is');
  if (ref?.key) return ref;
  throw new UsageError(`${JSON.stringify(path)} is not an s3a://bucket/key path`,
    'give the source_path of a fact_trips or quarantine row');
}

/** The raw row behind a gold row, read from its object (the footer and the one row group that holds it). */
export async function readSourceRow(client: Client, source: RowSource): Promise<SourceRow> {
  const { bucket, key } = splitObjectUrl(source.path);
  let size: number;
  try {
    size = await objectSize(client, bucket, key);
  } catch (error) {
    throw new EtlError(`the raw object ${source.path} cannot be read (${(error as Error).message})`,
      'it was deleted or the rawzone is not reachable: check `etl status`, or extract that month again');
  }
  const { rows, numRows } = await readParquetRows(objectAsyncBuffer(client, bucket, key, size), source.index,
    source.index + 1);
  if (!rows.length)
    throw new EtlError(`${source.path} has ${numRows} rows, so no row ${source.index}`,
      'the object was replaced since this row was written; run the transform again to refresh gold');
  return { ...source, bucket, key, row: rows[0], rows: numRows };
}

/** The raw row as text: where it is, then one `column: value` line per raw column. */
export function sourceRowText(source: SourceRow): string {
  const width = Math.max(...Object.keys(source.row).map((name) => name.length));
  const value = (v: unknown) => (v === null || v === undefined ? 'null' : typeof v === 'bigint' ? v.toString()
    : typeof v === 'string' ? v : JSON.stringify(v));
  return [
    `# Row ${source.index} of ${baseName(source.key)} ` +
      `(${source.rows.toLocaleString('en-US')} rows, counted from 0)`,
    `# ${source.path}`,
    '',
    ...Object.entries(source.row).map(([name, v]) => `${name.padEnd(width)}  ${value(v)}`),
    '',
  ].join('\n');
}

/** The raw row as JSON (64-bit integers as their digits). */
export function sourceRowJson(source: SourceRow): string {
  return JSON.stringify({ path: source.path, index: source.index, rows: source.rows, row: source.row }, jsonValue);
}
