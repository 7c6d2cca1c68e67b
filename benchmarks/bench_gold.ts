// Benchmark of the Gold tables view's reads (not a test). Each figure beside a floor measured in the same run:
//   table preview first page of fact_trips (cold: log + head file download + DuckDB; warm: cached copies)
//     vs raw footer reads (hyparquet: the head file's footer + its first 100 rows by ranged GETs from MinIO)
//     and vs DuckDB from PyPI (python duckdb 1.5.6) on the same local files;
//   a group-by over the whole table vs the same query in python duckdb on the same local files.
//   npm run -s bench:gold [-- --rows 10000000 --keep]       (tiny: --rows 20000)
// Needs the stack's MinIO (`etl up`) and the ETL venv with duckdb (requirements-dev.txt). The table is made by
// benchmarks/bench_gold_data.py (fact_trips' columns, 2 month partitions, a real Delta commit) in a scratch bucket
// gold-bench-*, removed at the end unless --keep.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { loadConfig } from '../extension/core/config';
import { GoldCatalog } from '../extension/core/gold/catalog';
import { readDeltaTable } from '../extension/core/gold/deltaLog';
import { GridFeed } from '../extension/core/gold/feed';
import { findProjectRoot } from '../extension/core/paths';
import { s3Client } from '../extension/core/s3/client';
import { listAllKeys } from '../extension/core/s3/listing';
import { objectSize, readRange } from '../extension/core/s3/read';
import { locateRuntimes } from '../extension/core/runtimes';
import { adminClient } from '../extension/core/stack/buckets';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 10_000_000);
const root = findProjectRoot(__dirname);
const config = loadConfig(root);
const client = s3Client(config);
const admin = adminClient(config);
const python = locateRuntimes(config.paths.root, config.paths.cache).python;
const bucket = `${config.buckets.gold}-bench-${randomBytes(3).toString('hex')}`;
const work = mkdtempSync(join(tmpdir(), 'bench-gold-'));
const TABLE = 'fact_trips/';
const GROUP_BY =
  'SELECT pickup_location_id, count(*) AS trips, sum(total_amount) AS revenue FROM fact_trips GROUP BY 1 ORDER BY 1';

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

function row(what: string, ours: number, floor: number, floorName: string) {
  const ratio = (ours / floor).toFixed(2);
  process.stdout.write(
    `${what.padEnd(40)} ${`${ours.toFixed(1)} ms`.padStart(12)}   ` +
      `${floorName.padEnd(34)} ${`${floor.toFixed(1)} ms`.padStart(12)}   ×${ratio}\n`,
  );
}

/**
 * The floor of a first page: the head file's footer (one suffix GET) and its first row group (one ranged GET),
 * decoded by hyparquet down to 100 rows; nothing else.
 */
async function rawFooterFirstPage(key: string): Promise<number> {
  const byteLength = await objectSize(client, bucket, key);
  const get = async (start: number, end: number) => {
    const data = await readRange(client, bucket, key, start, end - start);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  };
  const tail = Math.min(byteLength, 512 * 1024);
  const suffix = await get(byteLength - tail, byteLength);
  let chunk: { start: number; data: ArrayBuffer } = { start: byteLength - tail, data: suffix };
  const file: AsyncBuffer = {
    byteLength,
    slice: async (start, end = byteLength) => {
      if (start >= chunk.start && end <= chunk.start + chunk.data.byteLength)
        return chunk.data.slice(start - chunk.start, end - chunk.start);
      return get(start, end);
    },
  };
  const metadata = await parquetMetadataAsync(file);
  const columns = metadata.row_groups[0].columns.map((c) => c.meta_data);
  const first = Math.min(...columns.map((m) => Number(m?.dictionary_page_offset ?? m?.data_page_offset ?? 0)));
  const last = Math.max(
    ...columns.map((m) => Number(m?.data_page_offset ?? 0) + Number(m?.total_compressed_size ?? 0)),
  );
  chunk = { start: first, data: await get(first, Math.min(last, byteLength)) };
  const rows = await parquetReadObjects({ file, metadata, rowStart: 0, rowEnd: 100, compressors });
  return rows.length;
}

async function main(): Promise<void> {
  process.stdout.write(`bench_gold: ${ROWS.toLocaleString('en-US')} rows of fact_trips in ${bucket}\n`);
  const [, generateMs] = await timed(async () =>
    execFileSync(python, [
      join(root, 'benchmarks', 'bench_gold_data.py'),
      '--rows',
      String(ROWS),
      '--out',
      join(work, 'table'),
    ]),
  );
  await admin.makeBucket(bucket, config.minio.region);
  const [, uploadMs] = await timed(async () => {
    for (const file of files(join(work, 'table')))
      await client.fPutObject(bucket, TABLE + relative(join(work, 'table'), file), file);
  });
  process.stdout.write(
    `generated in ${(generateMs / 1000).toFixed(1)} s, uploaded in ${(uploadMs / 1000).toFixed(1)} s\n\n`,
  );

  const [table, logMs] = await timed(() => readDeltaTable(client, bucket, TABLE));
  const cache = { dir: join(work, 'cache') };
  const ref = { root: TABLE, name: 'fact_trips', kind: 'fact' as const };

  const cold = new GoldCatalog({ client, bucket, cache });
  const [coldPage, coldMs] = await timed(() => GridFeed.preview(cold, ref).page(0));
  await cold.close();
  const warm = new GoldCatalog({ client, bucket, cache });
  const [, warmMs] = await timed(() => GridFeed.preview(warm, ref).page(0));
  const [footerRows, footerMs] = await timed(() => rawFooterFirstPage(table.files[0].key));
  if (coldPage.rows.length !== 100 || footerRows !== 100) throw new Error('a first page without 100 rows');

  // The whole table for sorting and the group-by: every file copied locally once (the cold cost), then DuckDB.
  const [, fillMs] = await timed(() => warm.register(ref));
  const [sorted, sortMs] = await timed(() =>
    GridFeed.preview(warm, ref).page(0, { column: 'total_amount', descending: true }),
  );
  const [grouped, groupMs] = await timed(async () => (await GridFeed.query(warm, GROUP_BY)).page(0));
  await warm.close();
  if (sorted.rows.length !== 100 || grouped.total !== 263)
    throw new Error(`unexpected results (${grouped.total} groups)`);

  const local = readdirSync(cache.dir)
    .filter((n) => n.endsWith('.parquet'))
    .map((n) => join(cache.dir, n));
  const floor = JSON.parse(
    execFileSync(python, [join(root, 'benchmarks', 'bench_gold_data.py'), '--floor', JSON.stringify(local)], {
      encoding: 'utf8',
    }),
  ) as { first_page_s: number; sorted_page_s: number; group_by_s: number };

  process.stdout.write(
    `Delta log read (${table.files.length} files, v${table.version}): ${logMs.toFixed(1)} ms; ` +
      `whole table copied to the cache: ${fillMs.toFixed(0)} ms\n\n`,
  );
  process.stdout.write(`${'ours'.padEnd(40)} ${''.padStart(12)}   ${'floor (same run)'.padEnd(34)}\n`);
  row('preview first page, cold', coldMs, footerMs, 'raw footer + 100 rows (hyparquet)');
  row('preview first page, warm cache', warmMs, footerMs, 'raw footer + 100 rows (hyparquet)');
  row('preview first page, warm cache', warmMs, floor.first_page_s * 1000, 'python duckdb, same local files');
  row('preview sorted by total_amount', sortMs, floor.sorted_page_s * 1000, 'python duckdb ORDER BY … LIMIT 100');
  row('Query Gold group-by (263 groups)', groupMs, floor.group_by_s * 1000, 'python duckdb group-by, same files');
}

main()
  .catch((error) => {
    process.stderr.write(`bench_gold failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!process.argv.includes('--keep')) {
      const keys = (await listAllKeys(client, bucket, '').catch(() => [])).map((e) => e.key);
      for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(bucket, keys.slice(i, i + 1000));
      await admin.removeBucket(bucket).catch(() => undefined);
    }
    rmSync(work, { recursive: true, force: true });
  });
