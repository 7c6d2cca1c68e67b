import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { GoldCatalog } from '../../../../extension/core/gold/catalog';
import { readDeltaTable } from '../../../../extension/core/gold/deltaLog';
import { GridFeed, PAGE_SIZE } from '../../../../extension/core/gold/feed';
import { readSourceRow, rowSourceOf } from '../../../../extension/core/lineage/sourceRow';
import { partitionsOf, tableRows } from '../../../../extension/core/gold/partitions';
import { quoteLiteral } from '../../../../extension/core/gold/sql';
import { listGoldTables } from '../../../../extension/core/gold/tables';
import { listAllKeys } from '../../../../extension/core/s3/listing';
import { ROOT, etl } from '../../helpers/cli';
import type { SampleGold } from './published';

const FIXTURE = join(ROOT, 'tests', 'fixtures', 'delta-table');

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );

/** Gold tables read from the published sample: it writes nothing the later suites would see. */
export function goldTablesSuite(sample: SampleGold): void {
  const { client } = sample;
  const { gold, tmp, env } = sample.scratch;
  const runId = sample.transformRun;
  const cacheDir = join(tmp, 'cache');
  const catalog = new GoldCatalog({ client, bucket: gold, cache: { dir: cacheDir } });

  describe('Gold tables: Delta snapshots, partitions, DuckDB queries and paging', () => {
    after(() => catalog.close());

    test('every gold table is found from its _delta_log, in star-schema order, with SQL names', async () => {
      const tables = await listGoldTables(client, gold);
      assert.deepEqual(
        tables.map((t) => `${t.kind}:${t.name}`),
        [
          'fact:fact_trips',
          'dimension:dim_date',
          'dimension:dim_payment_type',
          'dimension:dim_rate_code',
          'dimension:dim_vendor',
          'dimension:dim_zone',
          'mart:mart_daily_zone',
          'mart:mart_hourly_demand',
          'quarantine:quarantine_rejected_trips',
        ],
      );
    });

    test('fact_trips: schema with types, month partitions with rows and sizes, history naming the run', async () => {
      const fact = await readDeltaTable(client, gold, 'fact_trips/');
      assert.equal(fact.columns.find((c) => c.name === 'pickup_datetime')?.type, 'timestamp_ntz');
      assert.equal(fact.columns.find((c) => c.name === 'trip_key')?.type, 'long');
      assert.deepEqual(fact.partitionColumns, ['pickup_year', 'pickup_month']);
      const partitions = partitionsOf(fact);
      assert.deepEqual(
        partitions.map((p) => [p.label, p.rows]),
        [
          ['pickup_year=2024/pickup_month=1', 19_600],
          ['pickup_year=2024/pickup_month=2', 19_600],
        ],
      );
      assert.ok(partitions.every((p) => p.bytes > 0 && p.files.length > 0));
      assert.equal(tableRows(fact), 39_200);
      assert.equal(fact.history.length, fact.version + 1);
      assert.deepEqual(
        fact.history.map((c) => c.version),
        [...Array(fact.version + 1).keys()].reverse(),
      );
      assert.ok(
        fact.history.every((c) => c.userMetadata === runId && c.operation === 'WRITE'),
        JSON.stringify(fact.history),
      );
      assert.match(fact.history[0].predicate ?? '', /pickup_month = 2/);
    });

    test("Query Gold: SQL equals the log's row counts; the quarantine carries each row's rule", async () => {
      const byMonth = await GridFeed.query(
        catalog,
        'SELECT pickup_month, count(*) AS trips FROM fact_trips GROUP BY 1 ORDER BY 1;',
      );
      const page = await byMonth.page(0);
      assert.deepEqual(page.rows, [
        ['1', '19600'],
        ['2', '19600'],
      ]);
      assert.deepEqual(
        page.columns.map((c) => [c.name, c.type, c.numeric]),
        [
          ['pickup_month', 'INTEGER', true],
          ['trips', 'BIGINT', true],
        ],
      );
      const rules = await GridFeed.query(
        catalog,
        'SELECT reject_rule, count(*) FROM quarantine_rejected_trips GROUP BY 1 ORDER BY 2 DESC',
      );
      assert.deepEqual((await rules.page(0)).rows, [
        ['non_positive_distance', '400'],
        ['negative_amount', '200'],
        ['dropoff_before_pickup', '120'],
        ['pickup_outside_month', '80'],
      ]);
      const quarantine = (await catalog.tables()).find((t) => t.kind === 'quarantine');
      assert.ok(quarantine);
      const preview = await GridFeed.preview(catalog, quarantine).page(0);
      assert.equal(preview.columns[0].name, 'reject_rule');
      assert.equal(preview.total, 800);
    });

    // Row provenance: source_path and source_row (Spark's _metadata.row_index) lead back to the raw row, read
    // from the rawzone object by the same core as Show Source Row.
    test('row provenance: three quarantined rows and a fact row equal their raw rows', async () => {
      const conformed: Record<string, string> = {
        vendor_id: 'VendorID', pu_location_id: 'PULocationID', do_location_id: 'DOLocationID',
        trip_distance: 'trip_distance', fare_amount: 'fare_amount', tip_amount: 'tip_amount',
        total_amount: 'total_amount', pickup_datetime: 'tpep_pickup_datetime',
      };
      const quarantined = await GridFeed.query(catalog, `
        SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY reject_rule ORDER BY source_path, source_row) AS n
                       FROM quarantine_rejected_trips) WHERE n = 1 AND reject_rule IN
          ('non_positive_distance', 'negative_amount', 'dropoff_before_pickup') ORDER BY reject_rule`);
      const fact = await GridFeed.query(catalog, `SELECT *, trip_distance_mi AS trip_distance,
        pickup_location_id AS pu_location_id, dropoff_location_id AS do_location_id
        FROM fact_trips ORDER BY source_row DESC LIMIT 1`);
      const pages = [await quarantined.page(0), await fact.page(0)];
      const rows = pages.flatMap((page) =>
        page.rows.map((cells) => ({ names: page.columns.map((c) => c.name), cells })));
      assert.equal(rows.length, 4);
      for (const { names, cells } of rows) {
        const source = rowSourceOf(names, cells);
        assert.ok(source, `a row without provenance: ${names.join(', ')}`);
        const raw = await readSourceRow(client, source);
        for (const [column, rawName] of Object.entries(conformed)) {
          if (!names.includes(column)) continue;
          const cell = cells[names.indexOf(column)];
          const value = raw.row[rawName];
          const expected = column === 'pickup_datetime'
            ? new Date(`${cell?.replace(' ', 'T')}Z`).toISOString() : cell === null ? null : Number(cell);
          const actual = value === null || value === undefined ? null
            : value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : Number(value);
          assert.equal(actual, expected, `${source.path} row ${source.index}: ${column} vs the raw ${rawName}`);
        }
      }
    });

    test('paging, sorting: the head files give the first page; sorted pages are exact slices', async () => {
      const fact = (await catalog.tables())[0];
      const feed = GridFeed.preview(catalog, fact);
      const first = await feed.page(0);
      assert.equal(first.rows.length, PAGE_SIZE);
      assert.equal(first.total, 39_200);
      const all = await GridFeed.query(catalog, 'SELECT * FROM fact_trips');
      assert.deepEqual((await all.page(0)).rows, first.rows);
      const sort = { column: 'trip_key', descending: true };
      const third = await feed.page(2 * PAGE_SIZE, sort);
      const expected = await GridFeed.query(
        catalog,
        `SELECT * FROM fact_trips ORDER BY trip_key DESC LIMIT ${PAGE_SIZE} OFFSET ${2 * PAGE_SIZE}`,
      );
      assert.deepEqual(third.rows, (await expected.page(0)).rows);
      const keys = third.rows.map((r) => BigInt(r[0] ?? ''));
      assert.ok(
        keys.every((k, i) => i === 0 || keys[i - 1] >= k),
        'descending 64-bit keys, compared exactly',
      );
      const last = await feed.page(39_150); // the last 50 of 39,200 rows
      assert.equal(last.rows.length, 50);
    });

    test('nanosecond timestamps keep nine digits, 64-bit integers stay exact, nulls stay null', async () => {
      const path = join(tmp, 'ns.parquet');
      const python = (await etl(['which', 'python'])).stdout.trim();
      const script = [
        'import sys, pyarrow as pa, pyarrow.parquet as pq',
        "ts = pa.array([1704067200123456789, None], pa.timestamp('ns'))",
        "big = pa.array([9007199254740993, None], pa.int64())",
        "t = pa.table({'ts': ts, 'big': big})",
        'pq.write_table(t, sys.argv[1])',
      ].join('\n');
      await execa(python, ['-c', script, path]);
      const feed = await GridFeed.query(catalog, `SELECT * FROM read_parquet('${path}')`);
      const page = await feed.page(0);
      assert.equal(page.columns[0].type, 'TIMESTAMP_NS');
      assert.deepEqual(page.rows, [
        ['2024-01-01 00:00:00.123456789', '9007199254740993'],
        [null, null],
      ]);
      const sorted = await feed.page(0, { column: 'ts', descending: true });
      assert.deepEqual(sorted.rows[1], [null, null], 'nulls last');
    });

    test('`etl query` prints the result (same core); bad SQL exits 1 with what to do', async () => {
    const sql = 'SELECT pickup_month, count(*) AS trips FROM fact_trips GROUP BY 1 ORDER BY 1';
    const ok = await etl(['query', sql, '--json'], env);
    assert.equal(ok.exitCode, 0, ok.all);
    assert.deepEqual(JSON.parse(ok.stdout).rows, [['1', '19600'], ['2', '19600']]);
    const bad = await etl(['query', 'SELEC 1'], env);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /error: the query failed: Parser Error[\s\S]*→ fix the SQL/);
  });

  test('export: every row of a grid, in its sort, to CSV (header, rows) and Parquet (the same rows back)', async () => {
    const tables = await catalog.tables();
    const quarantine = tables.find((t) => t.kind === 'quarantine');
    assert.ok(quarantine);
    const duck = await catalog.duck();
    // A preview of 800 rows (8 pages), sorted: the CSV holds them all, reject_rule first as in the grid.
    const sort = { column: 'source_row', descending: true };
    const rejected = GridFeed.preview(catalog, quarantine);
    const shown = await rejected.page(0, sort);
    const csv = join(tmp, 'export', `${rejected.exportStem}.csv`);
    mkdirSync(dirname(csv), { recursive: true });
    const written = await rejected.export(csv, 'csv', sort);
    assert.equal(written.rows, 800);
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], shown.columns.map((c) => c.name).join(','));
    assert.equal(lines.length, 1 + 800);
    const back = await duck.rows(`SELECT reject_rule, source_row FROM read_csv(${quoteLiteral(csv)}) LIMIT 3`);
    const at = (name: string) => shown.columns.findIndex((c) => c.name === name);
    assert.deepEqual(back.rows, shown.rows.slice(0, 3).map((r) => [r[at('reject_rule')], r[at('source_row')]]));
    assert.deepEqual(readdirSync(dirname(csv)), ['quarantine_rejected_trips.csv'], 'no partial file left');

    // fact_trips (39,200 rows) to Parquet by trip_key descending: read back, the very rows of the table, in order.
    const fact = GridFeed.preview(catalog, tables[0]);
    const byKey = { column: 'trip_key', descending: true };
    const parquet = join(tmp, 'export', 'fact_trips.parquet');
    assert.equal((await fact.export(parquet, 'parquet', byKey)).rows, 39_200);
    const file = quoteLiteral(parquet);
    const missing = await duck.rows(`SELECT count(*) FROM (FROM fact_trips EXCEPT ALL FROM read_parquet(${file}))`);
    const extra = await duck.rows(`SELECT count(*) FROM (FROM read_parquet(${file}) EXCEPT ALL FROM fact_trips)`);
    assert.deepEqual([missing.rows[0][0], extra.rows[0][0]], ['0', '0']);
    const firstKeys = await duck.rows(`SELECT trip_key FROM read_parquet(${file}) LIMIT 5`);
    const top = await fact.page(0, byKey);
    const key = top.columns.findIndex((c) => c.name === 'trip_key');
    assert.deepEqual(firstKeys.rows.map((r) => r[0]), top.rows.slice(0, 5).map((r) => r[key]));

    // A query result, and the CLI's --out (same core); a name that is neither .csv nor .parquet is refused.
    const sql = 'SELECT reject_rule, count(*) AS n FROM quarantine_rejected_trips GROUP BY 1 ORDER BY n DESC';
    const out = join(tmp, 'export', 'rules.parquet');
    const cli = await etl(['query', sql, '--out', out], env);
    assert.equal(cli.exitCode, 0, cli.all);
    assert.match(cli.stdout, /^wrote 4 row\(s\) to .*rules\.parquet \(parquet, \d+ bytes\)/);
    const rules = await duck.rows(`SELECT * FROM read_parquet(${quoteLiteral(out)})`);
    assert.deepEqual(rules.columns, ['reject_rule', 'n']);
    assert.deepEqual(rules.rows[0], ['non_positive_distance', '400']);
    const refused = await etl(['query', sql, '--out', join(tmp, 'export', 'rules.txt')], env);
    assert.equal(refused.exitCode, 2, refused.all);
    assert.match(refused.stderr, /--out .*rules\.txt: the file name ends with \.csv or \.parquet/);
  });

  test('the local cache: copies named by etag, reused, bounded', async () => {
      const before = readdirSync(cacheDir).filter((n) => n.endsWith('.parquet'));
      assert.ok(before.length > 0);
      const again = new GoldCatalog({ client, bucket: gold, cache: { dir: cacheDir } });
      const fact = (await again.tables())[0];
      const mtimes = new Map(before.map((n) => [n, statSync(join(cacheDir, n)).size]));
      await again.register(fact);
      assert.deepEqual(
        readdirSync(cacheDir)
          .filter((n) => n.endsWith('.parquet'))
          .sort(),
        before.sort(),
        'nothing downloaded twice',
      );
      await again.close();
      const bounded = new GoldCatalog({ client, bucket: gold, cache: { dir: cacheDir, maxBytes: 1 } });
      const dim = (await bounded.tables()).find((t) => t.name === 'dim_vendor');
      assert.ok(dim);
      await bounded.register(dim);
      const left = readdirSync(cacheDir).filter((n) => n.endsWith('.parquet'));
      assert.equal(
        left.length,
        (await readDeltaTable(client, gold, dim.root)).files.length,
        'only the files in use are kept',
      );
      assert.ok(mtimes.size > left.length);
      await bounded.close();
    });

    test('a table whose early commits are gone is read from its checkpoint (delta-spark fixture)', async (t) => {
      // Removed after: the later suites list gold's tables and must find only the transform's.
      t.after(async () => {
        const keys = (await listAllKeys(client, gold, 'fixture_table/')).map((e) => e.key);
        await client.removeObjects(gold, keys);
        assert.deepEqual(await listAllKeys(client, gold, 'fixture_table/'), []);
      });
      for (const file of files(FIXTURE))
        await client.fPutObject(gold, `fixture_table/${relative(FIXTURE, file)}`, file);
      const full = await readDeltaTable(client, gold, 'fixture_table/');
      await client.removeObjects(
        gold,
        Array.from({ length: 10 }, (_, v) => `fixture_table/_delta_log/${String(v).padStart(20, '0')}.json`),
      );
      const fromCheckpoint = await readDeltaTable(client, gold, 'fixture_table/');
      assert.equal(fromCheckpoint.version, 11);
      assert.deepEqual(fromCheckpoint.files, full.files);
      assert.deepEqual(fromCheckpoint.columns, full.columns);
      assert.deepEqual(
        fromCheckpoint.history.map((c) => c.version),
        [11],
        'commits folded into the checkpoint are not history any more',
      );
      assert.deepEqual(
        partitionsOf(fromCheckpoint).map((p) => [p.label, p.rows]),
        [
          ['pickup_year=2024/pickup_month=1', 14],
          ['pickup_year=2024/pickup_month=2', 2],
        ],
      );
    });
  });
}
