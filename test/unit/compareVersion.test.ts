import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import type { Client } from 'minio';
import type { EtlError } from '../../extension/core/errors';
import { GoldCatalog } from '../../extension/core/gold/catalog';
import { compareRows, compareVersion, formatVersionCompare } from '../../extension/core/gold/compareVersion';
import { readDeltaTable } from '../../extension/core/gold/deltaLog';
import { partitionsOf } from '../../extension/core/gold/partitions';
import { ROOT } from '../helpers/cli';

// Compare with current end to end without a stack: a real Delta table written by Spark (test/fixtures/delta-table:
// 12 versions, month 1 rewritten 11 times) served by a stand-in for the MinIO client that reads the folder, through
// the real catalog (log replay, local copies, DuckDB views) and the real diff engine.
const FIXTURE = join(ROOT, 'test', 'fixtures', 'delta-table');
const TABLE = 'fixture_table';
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );
const KEYS = files(FIXTURE).map((f) => `${TABLE}/${relative(FIXTURE, f).split('\\').join('/')}`);
const pathOf = (key: string) => join(FIXTURE, key.slice(TABLE.length + 1));

/** The calls of `minio.Client` the catalog makes, over the fixture's folder (one bucket, `fixture_table/`). */
const folderClient = {
  listObjectsV2Query: async (_bucket: string, prefix: string, _token: string, delimiter: string) => {
    const objects: { prefix?: string; name?: string; size?: number; lastModified?: Date }[] = [];
    const prefixes = new Set<string>();
    for (const key of KEYS.filter((k) => k.startsWith(prefix))) {
      const slash = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (slash >= 0) prefixes.add(key.slice(0, slash + 1));
      else objects.push({ name: key, size: statSync(pathOf(key)).size, lastModified: new Date(0) });
    }
    return { objects: [...[...prefixes].map((p) => ({ prefix: p })), ...objects], isTruncated: false };
  },
  getObject: async (_bucket: string, key: string) => Readable.from([readFileSync(pathOf(key))]),
  getPartialObject: async (_bucket: string, key: string, offset: number, length: number) =>
    Readable.from([readFileSync(pathOf(key)).subarray(offset, offset + length)]),
  statObject: async (_bucket: string, key: string) => ({ size: statSync(pathOf(key)).size, etag: 'fixture' }),
  fGetObject: async (_bucket: string, key: string, path: string) => copyFileSync(pathOf(key), path),
} as unknown as Client;

const cache = mkdtempSync(join(tmpdir(), 'etl-compare-'));
const catalog = new GoldCatalog({ client: folderClient, bucket: 'gold', cache: { dir: cache } });
after(async () => {
  await catalog.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('Compare with current on a real Delta table (no stack)', () => {
  test('version 1 against the current version: per partition the rows the two versions’ stats say', async () => {
    const compare = await compareVersion(catalog, TABLE, 1);
    const [past, now] = await Promise.all([
      readDeltaTable(folderClient, 'gold', `${TABLE}/`, { version: 1 }),
      readDeltaTable(folderClient, 'gold', `${TABLE}/`),
    ]);
    assert.equal(compare.table, TABLE);
    assert.equal(compare.current, now.version);
    const { diff } = compare;
    assert.deepEqual(diff.key, [], 'not a contract table: compared as multisets');
    assert.deepEqual(diff.partitionBy, now.partitionColumns, 'the Delta log’s partitions');
    assert.deepEqual([diff.rowsBefore, diff.rowsAfter], [5, 16]);
    const stats = (parts: ReturnType<typeof partitionsOf>, label: string) =>
      parts.find((p) => p.label === label)?.rows ?? 0;
    const labels = new Set([...partitionsOf(past), ...partitionsOf(now)].map((p) => p.label));
    assert.deepEqual(diff.partitions?.map((p) => p.label), [...labels].sort(), 'every partition of either side');
    for (const part of diff.partitions ?? []) {
      assert.equal(part.before, stats(partitionsOf(past), part.label), `${part.label} before`);
      assert.equal(part.after, stats(partitionsOf(now), part.label), `${part.label} after`);
      assert.equal(part.after - part.before, part.added - part.removed, `${part.label}: the counts add up`);
    }
    const sum = (pick: (p: NonNullable<typeof diff.partitions>[number]) => number) =>
      (diff.partitions ?? []).reduce((t, p) => t + pick(p), 0);
    assert.deepEqual([sum((p) => p.added), sum((p) => p.removed)], [diff.added, diff.removed]);
    assert.ok(diff.added > 0 && diff.removed > 0, 'month 1 was rewritten since version 1');
    assert.match(formatVersionCompare(compare), new RegExp(`^${TABLE} v1 → current \\(v${now.version}\\)$`, 'm'));
  });

  test('the current version against itself: no change; the rows behind a count open as a grid source', async () => {
    const now = await readDeltaTable(folderClient, 'gold', `${TABLE}/`);
    const same = await compareVersion(catalog, TABLE, now.version);
    assert.deepEqual([same.diff.added, same.diff.removed], [0, 0]);
    assert.match(formatVersionCompare(same), /no change in any table/);
    const added = await compareRows(catalog, { table: TABLE, version: 1 }, { kind: 'added' });
    const compare = await compareVersion(catalog, TABLE, 1);
    assert.equal(added.total, compare.diff.added);
  });

  test('an unknown table names the known ones; a version after the latest says the latest', async () => {
    await assert.rejects(compareVersion(catalog, 'no_such_table', 1), (error: EtlError) => {
      assert.equal(error.message, 'no gold table no_such_table');
      assert.equal(error.hint, `the gold tables are: ${TABLE}`);
      return true;
    });
    await assert.rejects(compareVersion(catalog, TABLE, 99), /has no version 99: its latest is 11/);
  });
});
