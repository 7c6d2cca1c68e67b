import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { asOfOf, parseTimestamp, parseVersion, versionsLine } from '../../../extension/cli/asOfArgs';
import { asOfRun, endOfStampedSecond } from '../../../extension/core/gold/asOf';
import {
  historyOf,
  NotYetCreatedError,
  replayLog,
  versionAsOf,
  type Action,
  type TableLog,
} from '../../../extension/core/gold/logReplay';
import { schemaChanges } from '../../../extension/core/gold/schemaDiff';
import { EtlError } from '../../../extension/core/errors';
import {
  compareTitle,
  formatVersionCompare,
  schemaSince,
  type VersionCompare,
} from '../../../extension/core/gold/compareVersion';
import { comparePage } from '../../../extension/core/preview/html';

// Delta logs built in memory as the transform writes them: a month overwritten per commit, the run id in userMetadata.
const schema = (...fields: [string, string, boolean?][]) => ({
  schemaString: JSON.stringify({
    type: 'struct',
    fields: fields.map(([name, type, nullable]) => ({ name, type, nullable: nullable ?? true, metadata: {} })),
  }),
  partitionColumns: ['month'],
});
const BASE = schema(['month', 'integer'], ['fare', 'double']);
const info = (timestamp: number, userMetadata?: string): Action => ({
  commitInfo: { timestamp, operation: 'WRITE', userMetadata },
});
const add = (path: string, rows: number, month: string): Action => ({
  add: { path, size: 100, partitionValues: { month }, stats: JSON.stringify({ numRecords: rows }) },
});
const remove = (path: string): Action => ({ remove: { path } });

/** v0: month 1 (3 rows); v1: month 2 (2 rows); v2: month 1 rewritten (5 rows) with a new column; v3: by run-b. */
const log = (): TableLog => ({
  bucket: 'gold',
  root: 'fact_trips/',
  commits: [
    { version: 0, actions: [info(1000, 'run-a'), { metaData: BASE }, add('month=1/a.parquet', 3, '1')] },
    { version: 1, actions: [info(2000, 'run-a'), add('month=2/b.parquet', 2, '2')] },
    {
      version: 2,
      actions: [
        info(3000, 'run-b | tag'),
        { metaData: schema(['month', 'integer'], ['fare', 'double'], ['tip', 'double']) },
        remove('month=1/a.parquet'),
        add('month=1/c.parquet', 5, '1'),
      ],
    },
    { version: 3, actions: [info(4000, 'run-b'), remove('month=2/b.parquet'), add('month=2/d.parquet', 1, '2')] },
  ],
});
const rows = (t: ReturnType<typeof replayLog>) => t.files.reduce((sum, f) => sum + (f.rows ?? 0), 0);

describe('time travel: the snapshot at a version or a time (pure replay)', () => {
  test('without an as-of, the latest version; with one, that version’s files, columns and the full history', () => {
    const latest = replayLog(log());
    assert.equal(latest.version, 3);
    assert.equal(rows(latest), 6);
    const v0 = replayLog(log(), { version: 0 });
    assert.equal(v0.version, 0);
    assert.deepEqual(
      v0.files.map((f) => f.key),
      ['fact_trips/month=1/a.parquet'],
    );
    assert.deepEqual(
      v0.columns.map((c) => c.name),
      ['month', 'fare'],
      'the schema of version 0, before tip was added',
    );
    assert.deepEqual(
      v0.history.map((c) => c.version),
      [3, 2, 1, 0],
      'history stays the whole log',
    );
    assert.equal(rows(replayLog(log(), { version: 1 })), 5);
  });

  test('a time gives the last version committed at or before it', () => {
    assert.equal(versionAsOf(log(), { timestamp: 2999 }), 1);
    assert.equal(versionAsOf(log(), { timestamp: 3000 }), 2);
    assert.equal(versionAsOf(log(), { timestamp: 1e12 }), 3);
  });

  test('a version after the latest: an error saying the latest', () => {
    assert.throws(
      () => replayLog(log(), { version: 9 }),
      (e: EtlError) => /has no version 9: its latest is 3/.test(e.message) && /from 0 to 3/.test(e.hint ?? ''),
    );
  });

  test('a time before the first commit: the table did not exist yet (its own error, which --as-of-run skips)', () => {
    assert.throws(
      () => versionAsOf(log(), { timestamp: 999 }),
      (e: Error) => e instanceof NotYetCreatedError && /did not exist yet at 1970-01-01T00:00:00\.999Z/.test(e.message),
    );
  });

  test('commits folded into a checkpoint: older versions and times are refused, the checkpoint’s own is read', () => {
    const full = log();
    const folded: TableLog = {
      ...full,
      checkpoint: {
        version: 1,
        actions: [{ metaData: BASE }, add('month=1/a.parquet', 3, '1'), add('month=2/b.parquet', 2, '2')],
      },
      commits: full.commits.slice(2),
    };
    assert.equal(rows(replayLog(folded, { version: 1 })), 5);
    assert.throws(
      () => replayLog(folded, { version: 0 }),
      (e: EtlError) => /up to version 0 are gone/.test(e.message) && /oldest version still readable is 1/.test(e.hint ?? ''),
    );
    assert.throws(
      () => versionAsOf(folded, { timestamp: 1500 }),
      (e: Error) => !(e instanceof NotYetCreatedError) && /folded into a checkpoint/.test(e.message),
    );
  });

  test('by run: the run’s last commit to the table, else the last version by the run’s end', () => {
    const history = historyOf(log());
    assert.deepEqual(asOfRun(history, { runId: 'run-a', endedAt: 9999 }), { version: 1 });
    assert.deepEqual(asOfRun(history, { runId: 'run-b', endedAt: 0 }), { version: 3 }, 'a tagged commit counts');
    assert.deepEqual(asOfRun(history, { runId: 'run-c', endedAt: 2500 }), { timestamp: 2500 });
    assert.equal(endOfStampedSecond('2026-12-04T08:00:00Z'), Date.parse('2026-12-04T08:00:00.999Z'));
  });
});

describe('schema history: what a commit’s metaData changed', () => {
  test('added, removed, retyped and nullability changes, one line each', () => {
    const before = schema(['month', 'integer'], ['y', 'integer'], ['z', 'string', false], ['gone', 'string']);
    const after = schema(['month', 'integer'], ['y', 'long'], ['z', 'string', true], ['x', 'double']);
    assert.deepEqual(schemaChanges(before, after), [
      'type of y: integer → long',
      'nullable of z: no → yes',
      '+ column x double',
      '- column gone',
    ]);
  });

  test('creation and an unchanged rewrite say nothing; a new partitioning is said', () => {
    assert.deepEqual(schemaChanges(undefined, BASE), []);
    assert.deepEqual(schemaChanges(BASE, schema(['month', 'integer'], ['fare', 'double'])), []);
    assert.deepEqual(schemaChanges(BASE, { ...BASE, partitionColumns: [] }), ['partitioned by: month → nothing']);
  });

  test('the history carries them on the commit that changed the schema only', () => {
    const history = historyOf(log());
    assert.deepEqual(history.find((c) => c.version === 2)?.schemaChanges, ['+ column tip double']);
    assert.equal(history.find((c) => c.version === 0)?.schemaChanges, undefined, 'the creation has none');
    assert.equal(history.find((c) => c.version === 3)?.schemaChanges, undefined);
  });
});

describe('etl query --as-of-* arguments', () => {
  test('a version is a whole number from 0', () => {
    assert.equal(parseVersion('0'), 0);
    assert.equal(parseVersion('12'), 12);
    for (const bad of ['-1', '1.5', 'v3', '', 'abc']) assert.throws(() => parseVersion(bad), InvalidArgumentError, bad);
  });

  test('a time is ISO 8601 with its zone, or a date (00:00 UTC)', () => {
    assert.equal(parseTimestamp('2026-12-04T08:00:00Z'), Date.UTC(2026, 11, 4, 8));
    assert.equal(parseTimestamp('2026-12-04T09:00:00+01:00'), Date.UTC(2026, 11, 4, 8));
    assert.equal(parseTimestamp('2026-12-04'), Date.UTC(2026, 11, 4));
    assert.throws(() => parseTimestamp('2026-12-04T08:00'), /has no time zone: add Z/);
    assert.throws(() => parseTimestamp('2026-02-30'), /not a real date/);
    assert.throws(() => parseTimestamp('yesterday'), /ISO 8601/);
  });

  test('one as-of at most becomes the catalog’s; the versions read are listed as name@vN', () => {
    assert.deepEqual(asOfOf({ asOfRun: 'r1' }), { run: 'r1' });
    assert.deepEqual(asOfOf({ asOfVersion: 0 }), { version: 0 });
    assert.deepEqual(asOfOf({ asOf: 5 }), { timestamp: 5 });
    assert.equal(asOfOf({}), undefined);
    assert.equal(
      versionsLine(
        new Map([
          ['fact_trips', 3],
          ['dim_zone', 1],
        ]),
      ),
      'fact_trips@v3, dim_zone@v1',
    );
  });
});

describe('Compare with current: the pure parts (the diff itself: tests/typescript/unit/diff.test.ts)', () => {
  const compare = (): VersionCompare => ({
    table: 'fact_trips',
    version: 1,
    current: 3,
    seconds: 0.2,
    schemaHistory: schemaSince(replayLog(log()), 1),
    diff: {
      table: 'fact_trips',
      key: ['trip_key'],
      scope: 'whole table',
      rowsBefore: 5,
      rowsAfter: 6,
      added: 5,
      removed: 4,
      changed: 0,
      columns: [],
      schema: { added: [{ name: 'tip', type: 'DOUBLE' }], removed: [], retyped: [] },
      partitionBy: ['month'],
      partitions: [
        { label: 'month=1', values: ['1'], before: 3, after: 5, added: 5, removed: 3, changed: 0 },
        { label: 'month=2', values: ['2'], before: 2, after: 1, added: 0, removed: 1, changed: 0 },
      ],
    },
  });

  test('the schema changes History recorded after the version, oldest first, each with its version', () => {
    assert.deepEqual(schemaSince(replayLog(log()), 1), ['v2: + column tip double']);
    assert.deepEqual(schemaSince(replayLog(log()), 2), []);
    assert.deepEqual(schemaSince(replayLog(log(), { version: 1 }), 0), [], 'only up to the version read as current');
  });

  test('the title and the text: etl preview’s table with a line per partition, then the schema history', () => {
    assert.equal(compareTitle(compare()), 'fact_trips v1 → current (v3)');
    const text = formatVersionCompare(compare());
    assert.equal(text.split('\n')[0], 'fact_trips v1 → current (v3)');
    assert.match(text, /^fact_trips +5 +6 +\+5 +-4 +0$/m);
    assert.match(text, /^ {2}\+ column tip DOUBLE$/m);
    assert.match(text, /^ {2}month=1 +3 +5 +\+5 +-3 +0$/m);
    assert.match(text, /^ {2}month=2 +2 +1 +0 +-1 +0$/m);
    assert.match(text, /^schema changes committed since v1:\n {2}v2: \+ column tip double$/m);
  });

  test('the panel’s page: titled by the versions, a row per partition that changed, values escaped', () => {
    const hostile = compare();
    hostile.diff.partitions?.push({ label: '<b>x</b>', values: ['<b>x</b>'], before: 0, after: 1, added: 1,
      removed: 0, changed: 0 });
    const page = comparePage(hostile, {
      nonce: 'n0nce', cspSource: 'vscode-resource:', media: (file: string) => `vscode-resource:/media/${file}` });
    assert.match(page, /<h1>fact_trips v1 → current \(v3\)<\/h1>/);
    assert.match(page, /<tr class="partition"><th scope="row">month=1<\/th>/);
    assert.match(page, /&lt;b&gt;x&lt;\/b&gt;/);
    assert.ok(!page.includes('<b>x'), 'an unescaped tag from data');
    assert.equal((page.match(/<script/g) ?? []).length, 1);
  });
});
