import type { Client } from 'minio';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, SchemaTree } from 'hyparquet';
// ZSTD, Snappy, gzip, brotli, LZ4: pyarrow writes ZSTD, hyparquet alone reads only Snappy/uncompressed.
import { compressors } from 'hyparquet-compressors';
import { deltaNote, deltaTableOf } from './delta';
import { objectSize, readObject, readRange } from './read';

/**
 * Above this an explicit "preview anyway" is needed (text is read whole; Parquet reads the footer + its first row
 * group).
 */
export const PREVIEW_LIMIT_BYTES = 20 * 1024 * 1024;
export const PARQUET_PREVIEW_ROWS = 50;

export type PreviewKind = 'parquet' | 'json' | 'csv' | 'text';

export function previewKind(key: string): PreviewKind {
  const lower = key.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.csv')) return 'csv';
  return 'text';
}

/** An object as a random-access buffer: hyparquet fetches only the footer and the row groups it needs. */
export function objectAsyncBuffer(client: Client, bucket: string, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice: async (start: number, end?: number) => {
      const buffer = await readRange(client, bucket, key, start, (end ?? size) - start);
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
    },
  };
}

/** Nanosecond timestamps keep all nine digits (a JS Date stops at milliseconds). */
const parsers = {
  timestampFromNanoseconds: (nanos: bigint) => {
    const ms = nanos / 1_000_000n;
    const rest = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
    return new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, `.${rest.toString().padStart(9, '0')}Z`);
  },
  timestampFromMicroseconds: (micros: bigint) => new Date(Number(micros / 1000n)).toISOString(),
  timestampFromMilliseconds: (millis: bigint) => new Date(Number(millis)).toISOString(),
  dateFromDays: (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10),
};

function describeType(node: SchemaTree): string {
  const e = node.element;
  const logical = e.logical_type
    ? ` ${JSON.stringify(e.logical_type, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))}`
    : '';
  const converted = e.converted_type ? ` (${e.converted_type})` : '';
  return `${e.type ?? 'group'}${converted}${logical}${e.repetition_type === 'OPTIONAL' ? ' nullable' : ''}`;
}

/** JSON.stringify's replacer that keeps 64-bit integers exact (as their digits). */
export const jsonValue = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);

/** Rows [rowStart, rowEnd) of a Parquet file (only the row groups that hold them are read) and its row count. */
export async function readParquetRows(
  file: AsyncBuffer, rowStart: number, rowEnd: number,
): Promise<{ rows: Record<string, unknown>[]; numRows: number }> {
  const metadata = await parquetMetadataAsync(file, { parsers });
  const numRows = Number(metadata.num_rows);
  if (rowStart >= numRows) return { rows: [], numRows };
  const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd: Math.min(rowEnd, numRows), parsers,
    compressors });
  return { rows, numRows };
}

/** Schema, row count and the first rows, as readable text. */
export async function previewParquet(file: AsyncBuffer, rows = PARQUET_PREVIEW_ROWS): Promise<string> {
  const metadata = await parquetMetadataAsync(file, { parsers });
  const schema = parquetSchema(metadata);
  const lines = [
    `# Parquet: ${metadata.num_rows} rows, ${metadata.row_groups.length} row group(s), ${schema.children.length} ` +
      `columns`,
    '',
    '## Schema',
  ];
  for (const column of schema.children) lines.push(`${column.element.name}: ${describeType(column)}`);
  const first = await parquetReadObjects({
    file,
    metadata,
    rowStart: 0,
    rowEnd: Math.min(rows, Number(metadata.num_rows)),
    parsers,
    compressors,
  });
  lines.push('', `## First ${first.length} rows`);
  for (const row of first) lines.push(JSON.stringify(row, jsonValue));
  return `${lines.join('\n')}\n`;
}

export interface PreviewOptions {
  /** Ignore PREVIEW_LIMIT_BYTES (the user confirmed). */
  force?: boolean;
}

export class PreviewTooLarge extends Error {
  constructor(readonly size: number) {
    super(`object is ${size} bytes, above the preview limit of ${PREVIEW_LIMIT_BYTES}`);
  }
}

/** The preview text of an object: Parquet summarised, JSON pretty-printed, CSV and text as they are. */
export async function previewObject(
  client: Client,
  bucket: string,
  key: string,
  options: PreviewOptions = {},
): Promise<string> {
  const size = await objectSize(client, bucket, key);
  const kind = previewKind(key);
  if (size > PREVIEW_LIMIT_BYTES && !options.force) throw new PreviewTooLarge(size);
  if (kind === 'parquet')
    return (
      (await deltaHeader(client, bucket, key)) + (await previewParquet(objectAsyncBuffer(client, bucket, key, size)))
    );
  const text = (await readObject(client, bucket, key)).toString('utf8');
  if (kind !== 'json') return text;
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}

/** A data file of a Delta table (gold) says whether it is part of the table's current snapshot. */
async function deltaHeader(client: Client, bucket: string, key: string): Promise<string> {
  const folder = key.slice(0, key.lastIndexOf('/') + 1);
  const snapshot = folder ? await deltaTableOf(client, bucket, folder).catch(() => undefined) : undefined;
  return snapshot ? `${deltaNote(snapshot, key)}\n\n` : '';
}
