import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { diffTable, schemaChange } from '../../../extension/core/diff/engine';
import { formatDiffs } from '../../../extension/core/diff/format';
import type { DiffInput, PartitionChange } from '../../../extension/core/diff/model';
import { rowsSql } from '../../../extension/core/diff/sql';
import { GOLD_TABLE_SPECS } from '../../../extension/core/diff/tables';
import { GoldEngine } from '../../../extension/core/gold/engine';
import type { PreviewDiff } from '../../../extension/core/preview/compare';
import { prunePreviews } from '../../../extension/core/preview/folders';
import { previewPage } from '../../../extension/core/preview/html';
import { callerEnv, previewArgs } from '../../../extension/core/preview/run';

// The diff engine in a real in-memory DuckDB (no service): keyed and keyless tables, the rows behind each count.
let duck: GoldEngine;
const rowsOf = async (sql: string) => (await duck.rows(sql)).rows;

before(async () => {
  duck = await GoldEngine.open();
  await duck.run(`CREATE TABLE fb AS SELECT * FROM (VALUES (1, 10.0, 'a'), (2, 20.0, 'b'), (3, 30.0, 'c')) t(k, v, s)`);
  await duck.run(
    `CREATE TABLE fa AS SELECT * FROM (VALUES (2, 20.0, 'b'), (3, 31.0, NULL), (4, 40.0, 'd')) t(k, v, s)`,
  );
  // The quarantine: no key, two identical rejected rows before, one of them gone after, one new rule's row.
  await duck.run(`CREATE TABLE qb AS SELECT * FROM (VALUES ('r1', 1), ('r1', 1), ('r2', 5)) t(reject_rule, x)`);
  await duck.run(`CREATE TABLE qa AS SELECT * FROM (VALUES ('r1', 1), ('r2', 5), ('r2', 6)) t(reject_rule, x)`);
  // A month-partitioned keyed table: month 1 loses k=1 and changes k=2, month 2 gains k=4, month 3 is new.
  await duck.run(
    `CREATE TABLE pb AS SELECT * FROM (VALUES (1, 2024, 1, 10), (2, 2024, 1, 20), (3, 2024, 2, 30)) t(k, y, m, v)`,
  );
  await duck.run(
    'CREATE TABLE pa AS SELECT * FROM ' +
      '(VALUES (2, 2024, 1, 21), (3, 2024, 2, 30), (4, 2024, 2, 40), (5, 2024, 3, 50)) t(k, y, m, v)',
  );
});
after(() => duck.close());

const keyed: DiffInput = { table: 'fact', key: ['k'], before: 'fb', after: 'fa', scope: 'whole table' };
const keyless: DiffInput = {
  table: 'q', key: [], before: 'qb', after: 'qa', scope: 'whole table', groupBy: 'reject_rule',
};

describe('diff engine (DuckDB)', () => {
  test('a keyed table: added, removed, changed rows, and each changed column with an example', async () => {
    const diff = await diffTable(duck, keyed);
    assert.deepEqual([diff.rowsBefore, diff.rowsAfter, diff.added, diff.removed, diff.changed], [3, 3, 1, 1, 1]);
    assert.deepEqual(diff.columns.map((c) => [c.column, c.changed]), [['v', 1], ['s', 1]]);
    assert.deepEqual(diff.columns[1].examples, [{ key: 'k=3', before: 'c', after: null }]); // a null compares
  });

  test('a keyless table: multisets per group (an identical row that went counts once)', async () => {
    const diff = await diffTable(duck, keyless);
    assert.deepEqual([diff.added, diff.removed, diff.changed], [1, 1, 0]);
    assert.deepEqual(diff.groups, [
      { value: 'r1', before: 2, after: 1, added: 0, removed: 1 },
      { value: 'r2', before: 1, after: 2, added: 1, removed: 0 },
    ]);
  });

  test('the rows behind each count', async () => {
    const columns = ['k', 'v', 's'];
    assert.deepEqual(await rowsOf(rowsSql(keyed, columns, { kind: 'added' })), [['4', '40.0', 'd']]);
    assert.deepEqual(await rowsOf(rowsSql(keyed, columns, { kind: 'removed' })), [['1', '10.0', 'a']]);
    assert.deepEqual(await rowsOf(rowsSql(keyed, columns, { kind: 'changed' })), [['3', '31.0', null]]);
    assert.deepEqual(await rowsOf(rowsSql(keyed, columns, { kind: 'column', column: 'v' })), [['3', '30.0', '31.0']]);
    const added = rowsSql(keyless, ['reject_rule', 'x'], { kind: 'group-added', value: 'r2' });
    assert.deepEqual(await rowsOf(added), [['r2', '6']]);
    const removed = rowsSql(keyless, ['reject_rule', 'x'], { kind: 'group-removed', value: 'r1' });
    assert.deepEqual(await rowsOf(removed), [['r1', '1']]);
  });

  test('schema changes: a column added, one removed, one retyped', () => {
    const before = [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'VARCHAR' }];
    const after = [{ name: 'a', type: 'BIGINT' }, { name: 'c', type: 'DOUBLE' }];
    assert.deepEqual(schemaChange(before, after), {
      added: [{ name: 'c', type: 'DOUBLE' }],
      removed: [{ name: 'b', type: 'VARCHAR' }],
      retyped: [{ name: 'a', before: 'INTEGER', after: 'BIGINT' }],
    });
  });

  test('the text table: changed tables with their groups and columns, unchanged ones on one line', async () => {
    const text = formatDiffs([await diffTable(duck, keyed), await diffTable(duck, keyless),
      { ...(await diffTable(duck, keyed)), table: 'dim', added: 0, removed: 0, changed: 0, columns: [] }]);
    assert.match(text, /^fact +3 +3 +\+1 +-1 +1$/m);
    assert.match(text, /^ {2}r2 +1 +2 +\+1 +0/m);
    assert.match(text, /^ {2}s: 1 changed \(e\.g\. k=3: c → null\)$/m);
    assert.match(text, /^unchanged: dim$/m);
  });

  test('per partition: a keyed table’s added, removed and changed rows per (year, month), summing to the totals',
    async () => {
      const diff = await diffTable(duck, { ...keyed, before: 'pb', after: 'pa', partitionBy: ['y', 'm'] });
      assert.deepEqual([diff.added, diff.removed, diff.changed], [2, 1, 1]);
      const whole = await diffTable(duck, { ...keyed, before: 'pb', after: 'pa' });
      assert.deepEqual([whole.added, whole.removed, whole.changed], [2, 1, 1], 'the totals without partitions agree');
      assert.deepEqual(diff.columns, whole.columns);
      assert.deepEqual(diff.partitionBy, ['y', 'm']);
      assert.deepEqual(diff.partitions, [
        { label: 'y=2024/m=1', values: ['2024', '1'], before: 2, after: 1, added: 0, removed: 1, changed: 1 },
        { label: 'y=2024/m=2', values: ['2024', '2'], before: 1, after: 2, added: 1, removed: 0, changed: 0 },
        { label: 'y=2024/m=3', values: ['2024', '3'], before: 0, after: 1, added: 1, removed: 0, changed: 0 },
      ]);
      const sum = (pick: (p: PartitionChange) => number) => (diff.partitions ?? []).reduce((t, p) => t + pick(p), 0);
      assert.deepEqual(
        [sum((p) => p.before), sum((p) => p.after), sum((p) => p.added), sum((p) => p.removed), sum((p) => p.changed)],
        [diff.rowsBefore, diff.rowsAfter, diff.added, diff.removed, diff.changed],
      );
    });

  test('per partition: a keyless table as multisets; a partition column missing on a side: no breakdown', async () => {
    const diff = await diffTable(duck, { ...keyless, partitionBy: ['reject_rule'] });
    assert.deepEqual(diff.partitions?.map((p) => [p.label, p.before, p.after, p.added, p.removed, p.changed]), [
      ['reject_rule=r1', 2, 1, 0, 1, 0],
      ['reject_rule=r2', 1, 2, 1, 0, 0],
    ]);
    const missing = await diffTable(duck, { ...keyed, partitionBy: ['m'] });
    assert.equal(missing.partitions, undefined);
    assert.equal(missing.partitionBy, undefined);
  });

  test('the text table: the partitions that changed under their table, the others left out', async () => {
    const diff = await diffTable(duck, { ...keyed, before: 'pb', after: 'pa', partitionBy: ['y', 'm'] });
    diff.partitions?.push({ label: 'y=2023/m=12', values: ['2023', '12'], before: 7, after: 7, added: 0, removed: 0,
      changed: 0 });
    const text = formatDiffs([diff]);
    assert.match(text, /^fact +3 +4 +\+2 +-1 +1$/m);
    assert.match(text, /^ {2}y=2024\/m=1 +2 +1 +0 +-1 +1$/m);
    assert.match(text, /^ {2}y=2024\/m=3 +0 +1 +\+1 +0 +0$/m);
    assert.doesNotMatch(text, /m=12/);
  });

  test('every contract table has a key but the quarantine', () => {
    for (const spec of GOLD_TABLE_SPECS) assert.equal(spec.key.length === 0, spec.kind === 'quarantine', spec.table);
    assert.deepEqual(GOLD_TABLE_SPECS.find((s) => s.table === 'fact_trips')?.key, ['trip_key']);
  });
});

describe('preview, pure parts', () => {
  test("the request's arguments: one source at most", () => {
    const args = previewArgs({ months: '2024-01' }, '/o', 'p1');
    assert.deepEqual(args, ['--out', '/o', '--preview-id', 'p1', '--months', '2024-01']);
    assert.throws(() => previewArgs({ run: 'r', sample: true }, '/o', 'p1'), /choose one of --run, --months and --sample/);
  });

  test("the caller's settings: natively its own and the extras; in compose the extras without host paths", () => {
    process.env.GOLD_BUCKET = 'gold-x';
    process.env.UNRELATED_VARIABLE = 'no';
    try {
      const native = callerEnv('native', { ETL_BACKUP_DIR: '/b' });
      assert.equal(native.GOLD_BUCKET, 'gold-x');
      assert.equal(native.ETL_BACKUP_DIR, '/b');
      assert.equal(native.UNRELATED_VARIABLE, undefined);
      assert.deepEqual(callerEnv('compose', { ETL_BACKUP_DIR: '/b', RAWZONE_BUCKET: 'r' }), { RAWZONE_BUCKET: 'r' });
    } finally {
      delete process.env.GOLD_BUCKET;
      delete process.env.UNRELATED_VARIABLE;
    }
  });

  test('old previews go, the newest stay', () => {
    const root = mkdtempSync(join(tmpdir(), 'previews-'));
    for (let i = 0; i < 4; i++) {
      const dir = join(root, `preview-${i}`);
      mkdirSync(dir);
      utimesSync(dir, 1_000 + i, 1_000 + i);
    }
    prunePreviews(root, 2);
    assert.deepEqual(readdirSync(root).sort(), ['preview-2', 'preview-3']);
  });

  test('the Change preview page escapes every value from data and runs only its nonce script', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const table = { ...(await diffTable(duck, keyless)), table: hostile };
    table.groups = [{ value: hostile, before: 0, after: 1, added: 1, removed: 0 }];
    const diff = {
      preview: { id: 'p', dir: '/d', seconds: 1, described: hostile, months: ['2024-01'], inputs: [], tables: [],
        counts: { rows_read: 0, rows_kept: 0, rows_rejected: 0, rejected_by_rule: {} }, phases_s: {} },
      tables: [table],
      goldVersions: { [hostile]: 3 },
      diffSeconds: 0,
    } as PreviewDiff;
    const page = previewPage(diff, {
      nonce: 'n0nce', cspSource: 'vscode-resource:', media: (file: string) => `vscode-resource:/media/${file}` });
    assert.ok(!page.includes('<img'), 'an unescaped tag from data');
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(page, /script-src 'nonce-n0nce'/);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
    assert.match(page, /<button class="count" data-rows="[^"]*" aria-label="1 more rows rejected by &lt;img/);
  });
});
