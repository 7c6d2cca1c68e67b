import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { VersionCompare } from '../../../extension/core/gold/compareVersion';
import { readDeltaTable, runOfCommit, type DeltaTableState } from '../../../extension/core/gold/deltaLog';
import { partitionsOf } from '../../../extension/core/gold/partitions';
import { loadReports } from '../../../extension/core/runs/load';
import { s3Client } from '../../../extension/core/s3/client';
import { listAllKeys } from '../../../extension/core/s3/listing';
import { adminClient } from '../../../extension/core/stack/buckets';
import { ROOT, etl, projectConfig } from '../helpers/cli';

// `etl query --as-of-*` as a user runs it, on the running stack. Kept fast (no transform of its own):
// a real Delta table written by Spark (tests/fixtures/delta-table: 12 versions, month 1 rewritten 11 times)
// uploaded to a scratch gold bucket; and, read only, the stack's gold as the suite's earlier tests
// (airflow.test.ts: the DAG's transform) left it.
const config = projectConfig();
const client = s3Client(config);
const admin = adminClient(config);
const gold = `${config.buckets.gold}-timetravel-${randomBytes(4).toString('hex')}`;
const FIXTURE = join(ROOT, 'tests', 'fixtures', 'delta-table');
const TABLE = 'fixture_table';
/** Commit times of the fixture's versions 1 and 2 (its _delta_log, commitInfo.timestamp). */
const V1_AT = 1795855035587;
const V2_AT = 1795855039302;

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );

/** `etl query … --json` on the scratch gold (or the stack's own with `own`): the result and what stderr said. */
async function query(sql: string, args: string[], own = false) {
  const result = await etl(['query', sql, '--json', ...args], own ? {} : { GOLD_BUCKET: gold }, 60_000);
  const out = result.exitCode === 0 ? (JSON.parse(result.stdout) as QueryJson) : undefined;
  return { ...result, out };
}
interface QueryJson {
  rows: (string | null)[][];
  total: number;
  asOf?: Record<string, number>;
}

/** `etl gold compare TABLE --version N` on the scratch gold (or the stack's own with `own`), `--json` parsed. */
async function compare(table: string, version: number, json = true, own = false) {
  const args = ['gold', 'compare', table, '--version', String(version), ...(json ? ['--json'] : [])];
  const result = await etl(args, own ? {} : { GOLD_BUCKET: gold }, 120_000);
  const out = json && result.exitCode === 0 ? (JSON.parse(result.stdout) as VersionCompare) : undefined;
  return { ...result, out };
}

/** Per partition, what the compare counted before and after equals the two versions' row stats (the log's). */
function assertMatchesStats(out: VersionCompare, past: DeltaTableState, now: DeltaTableState): void {
  const rowsOf = (table: DeltaTableState, label: string) =>
    partitionsOf(table).find((p) => p.label === label)?.rows ?? 0;
  const parts = out.diff.partitions ?? [];
  const labels = new Set([...partitionsOf(past), ...partitionsOf(now)].map((p) => p.label));
  assert.deepEqual(new Set(parts.map((p) => p.label)), labels, 'every partition of either version');
  for (const part of parts) {
    assert.equal(part.before, rowsOf(past, part.label), `${part.label}: rows of v${past.version}`);
    assert.equal(part.after, rowsOf(now, part.label), `${part.label}: rows of v${now.version}`);
    assert.equal(part.after - part.before, part.added - part.removed, `${part.label}: the counts add up`);
  }
  const sum = (pick: (p: (typeof parts)[number]) => number) => parts.reduce((t, p) => t + pick(p), 0);
  assert.deepEqual(
    [sum((p) => p.before), sum((p) => p.after), sum((p) => p.added), sum((p) => p.removed)],
    [out.diff.rowsBefore, out.diff.rowsAfter, out.diff.added, out.diff.removed],
  );
}

/** The suite's CLI runs, `etl gold compare`'s among them (each a fresh DuckDB over local copies). */
const TIMEOUT = { timeout: 240_000 };

const noStackTrace = (stderr: string) => assert.doesNotMatch(stderr, /^\s+at /m, 'a clear error, no stack trace');

describe('time travel: etl query --as-of-version / --as-of / --as-of-run, etl gold compare', TIMEOUT, () => {
  before(async () => {
    await admin.makeBucket(gold, config.minio.region);
    for (const file of files(FIXTURE)) await client.fPutObject(gold, `${TABLE}/${relative(FIXTURE, file)}`, file);
  });

  after(async () => {
    const keys = (await listAllKeys(client, gold, '')).map((e) => e.key);
    if (keys.length) await client.removeObjects(gold, keys);
    await admin.removeBucket(gold);
  });

  test('--as-of-version 0 reads the table as created (3 rows), not as now (16); stderr names the version', async () => {
    const now = await query(`SELECT count(*) AS n FROM ${TABLE}`, []);
    assert.equal(now.exitCode, 0, now.all);
    assert.deepEqual(now.out?.rows, [['16']]);
    assert.equal(now.out?.asOf, undefined, 'no as-of asked: none said');
    const v0 = await query(`SELECT count(*) AS n FROM ${TABLE}`, ['--as-of-version', '0']);
    assert.equal(v0.exitCode, 0, v0.all);
    assert.deepEqual(v0.out?.rows, [['3']]);
    assert.deepEqual(v0.out?.asOf, { [TABLE]: 0 });
    assert.equal(v0.stderr.split('\n')[0], `as of: ${TABLE}@v0`);
  });

  test('--as-of TIME reads the last version committed by then', async () => {
    const between = new Date(Math.floor((V1_AT + V2_AT) / 2)).toISOString();
    const result = await query(`SELECT pickup_month, count(*) AS n FROM ${TABLE} GROUP BY 1 ORDER BY 1`, [
      '--as-of',
      between,
    ]);
    assert.equal(result.exitCode, 0, result.all);
    assert.deepEqual(result.out?.asOf, { [TABLE]: 1 });
    assert.deepEqual(result.out?.rows, [
      ['1', '3'],
      ['2', '2'],
    ]);
  });

  test('--as-of-run of a run that did not write the table: its last version by the run’s end (report ended_at)',
    async () => {
      // A report as the transform writes it (gold/_quality/<run>.json), for a run that ended between v1 and v2.
      const runId = 'transform-timetravel-report';
      const endedAt = new Date(V1_AT + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const report = { run_id: runId, status: 'succeeded', rows_read: 0, rows_kept: 0, rows_rejected: 0 };
      const text = JSON.stringify({ ...report, started_at: endedAt, ended_at: endedAt, months: {} });
      await client.putObject(gold, `_quality/${runId}.json`, Buffer.from(text));
      const result = await query(`SELECT count(*) AS n FROM ${TABLE}`, ['--as-of-run', runId]);
      assert.equal(result.exitCode, 0, result.all);
      assert.deepEqual(result.out?.asOf, { [TABLE]: 1 });
      assert.deepEqual(result.out?.rows, [['5']]);
    });

  test('a version after the latest, a time before the table, an unknown run: clear errors, exit code ≠ 0', async () => {
    const late = await query(`SELECT count(*) FROM ${TABLE}`, ['--as-of-version', '99']);
    assert.equal(late.exitCode, 1, late.all);
    assert.match(late.stderr, /^error: s3:\/\/\S+\/fixture_table\/ has no version 99: its latest is 11\n {2}→ ask for/);
    noStackTrace(late.stderr);
    const early = await query(`SELECT count(*) FROM ${TABLE}`, ['--as-of', '2020-01-01']);
    assert.equal(early.exitCode, 1, early.all);
    assert.match(early.stderr, /^error: not in the snapshot asked for: fixture_table: .* did not exist yet at 2020-01-01T/);
    assert.match(early.stderr, /\(the query failed: Catalog Error: Table with name fixture_table does not exist!/);
    noStackTrace(early.stderr);
    const unknown = await query(`SELECT count(*) FROM ${TABLE}`, ['--as-of-run', 'transform-no-such-run']);
    assert.equal(unknown.exitCode, 1, unknown.all);
    assert.match(unknown.stderr, /no run transform-no-such-run in s3:\/\/\S+: no quality report/);
    assert.match(unknown.stderr, /→ the Runs view/);
    const both = await query(`SELECT 1`, ['--as-of-version', '1', '--as-of', '2026-12-04']);
    assert.equal(both.exitCode, 2, both.all);
    assert.match(both.stderr, /cannot be used with option/);
  });

  test('etl gold compare: version 1 against current (v11), per partition what the two versions’ stats say',
    async () => {
      const [past, now] = await Promise.all([
        readDeltaTable(client, gold, `${TABLE}/`, { version: 1 }),
        readDeltaTable(client, gold, `${TABLE}/`),
      ]);
      const result = await compare(TABLE, 1);
      assert.equal(result.exitCode, 0, result.all);
      const out = result.out as VersionCompare;
      assert.deepEqual([out.table, out.version, out.current], [TABLE, 1, 11]);
      assert.deepEqual([out.diff.rowsBefore, out.diff.rowsAfter], [5, 16], 'as etl query --as-of-version says');
      assert.deepEqual(out.diff.partitionBy, ['pickup_year', 'pickup_month']);
      assertMatchesStats(out, past, now);
      // Month 1 rewritten since v1 (its rows replaced), month 2 untouched.
      const month = (m: number) => out.diff.partitions?.find((p) => p.values[1] === String(m));
      assert.deepEqual([month(1)?.removed, month(1)?.added], [3, 14]);
      assert.deepEqual([month(2)?.added, month(2)?.removed], [0, 0]);
      const text = await compare(TABLE, 1, false);
      assert.equal(text.exitCode, 0, text.all);
      assert.equal(text.stdout.split('\n')[0], `${TABLE} v1 → current (v11)`);
      assert.match(text.stdout, /^ {2}pickup_year=2024\/pickup_month=1 +3 +14 +\+14 +-3 +-$/m);
      const late = await compare(TABLE, 99);
      assert.equal(late.exitCode, 1, late.all);
      assert.match(late.stderr, /has no version 99: its latest is 11/);
      noStackTrace(late.stderr);
    });

  test('commits folded into a checkpoint and removed: an older version is refused, saying the oldest', async () => {
    const gone = Array.from({ length: 10 }, (_, v) => `${TABLE}/_delta_log/${String(v).padStart(20, '0')}.json`);
    await client.removeObjects(gold, gone);
    const result = await query(`SELECT count(*) FROM ${TABLE}`, ['--as-of-version', '3']);
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.stderr, /up to version 9 are gone .*version 3 cannot be read\n {2}→ the oldest version still readable is 10/);
    noStackTrace(result.stderr);
    const checkpoint = await query(`SELECT count(*) FROM ${TABLE}`, ['--as-of-version', '10']);
    assert.deepEqual(checkpoint.out?.rows, [['15']], checkpoint.all);
  });

  test('--as-of-run RUN on the stack’s gold: fact_trips of its months holds its report’s kept rows', async (t) => {
    const fact = await readDeltaTable(client, config.buckets.gold, 'fact_trips/').catch(() => undefined);
    const writers = new Set(fact?.history.map(runOfCommit));
    const { reports } = await loadReports(client, config.buckets.gold);
    // The oldest run still in fact_trips' history: later runs may have rewritten its months since.
    const run = reports
      .filter((r) => writers.has(r.run_id) && Object.keys(r.months).length)
      .sort((a, b) => a.ended_at.localeCompare(b.ended_at))[0];
    if (!run) {
      t.skip(`no run with a report wrote s3://${config.buckets.gold}/fact_trips/ yet (airflow.test.ts does)`);
      return;
    }
    const months = Object.keys(run.months).map((m) => Number(m.replace('-', '')));
    const kept = Object.values(run.months).reduce((sum, m) => sum + m.rows_kept, 0);
    const sql = `SELECT count(*) AS n FROM fact_trips WHERE pickup_year * 100 + pickup_month IN (${months.join(', ')})`;
    const result = await query(sql, ['--as-of-run', run.run_id], true);
    assert.equal(result.exitCode, 0, result.all);
    assert.deepEqual(result.out?.rows, [[String(kept)]], `run ${run.run_id}, months ${months.join(', ')}`);
    const own = fact?.history.filter((c) => runOfCommit(c) === run.run_id).map((c) => c.version) ?? [];
    assert.deepEqual(result.out?.asOf, { fact_trips: Math.max(...own) }, 'the run’s own last commit to fact_trips');
  });
});
