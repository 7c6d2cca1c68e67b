import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import type { CheckResult, CheckRun } from '../../../extension/core/checks/results';
import { readDeltaTable } from '../../../extension/core/gold/deltaLog';
import { tableRows } from '../../../extension/core/gold/partitions';
import { listGoldTables } from '../../../extension/core/gold/tables';
import { s3Client } from '../../../extension/core/s3/client';
import { readObject } from '../../../extension/core/s3/read';
import { adminClient } from '../../../extension/core/stack/buckets';
import { ROOT, etl, projectConfig } from '../helpers/cli';
import { emptyAndRemove, scratchProject } from '../helpers/scratch';

// The checks of config/checks.yaml on the real stack: a good run of the bundled sample (January and February
// 2024) publishes and `etl check` passes on it; then a run whose February is generated at a tenth of the rows
// is stopped by row_count before any write. Scratch buckets of its own, removed at the end.
const config = projectConfig();
const client = s3Client(config);
const admin = adminClient(config);
const { suffix, tmp, rawzone, gold, env } = scratchProject(config, 'checkstest');
const goodRun = `transform-checkstest-good-${suffix}`;
const badRun = `transform-checkstest-bad-${suffix}`;
const badExtract = `extract-checkstest-bad-${suffix}`;
const SAMPLE_MONTH_ROWS_KEPT = 19_600; // docs/data-model.md: the committed sample keeps 19,600 trips a month
/** The names of the shipped checks, in the file's order. */
const shippedChecks = [...readFileSync(join(ROOT, 'config', 'checks.yaml'), 'utf8').matchAll(/^ {2}- name: (\S+)$/gm)]
  .map((match) => match[1]);

/** Rows and version of every gold table, from its current Delta snapshot. */
async function goldState(): Promise<Record<string, { rows: number | undefined; version: number }>> {
  const state: Record<string, { rows: number | undefined; version: number }> = {};
  for (const table of await listGoldTables(client, gold)) {
    const delta = await readDeltaTable(client, gold, table.root);
    state[table.root] = { rows: tableRows(delta), version: delta.version };
  }
  return state;
}

async function readJson<T>(key: string): Promise<T> {
  return JSON.parse((await readObject(client, gold, key)).toString()) as T;
}

describe('data-quality checks on the real stack', { timeout: 900_000 }, () => {
  let goodState: Awaited<ReturnType<typeof goldState>>;

  before(async () => {
    await admin.makeBucket(rawzone, config.minio.region);
    await admin.makeBucket(gold, config.minio.region);
    const extract = await etl(['extract', '--months', '2024-01..2024-02', '--sample'], env);
    assert.equal(extract.exitCode, 0, extract.all);
    const good = await etl(['transform', '--run-id', goodRun], env, 600_000);
    assert.equal(good.exitCode, 0, good.all);
    assert.match(good.stderr, new RegExp(`checks: ${shippedChecks.length} passed, 0 failed, 0 skipped`));
    goodState = await goldState();
  });

  after(async () => {
    for (const bucket of [rawzone, gold]) await emptyAndRemove(client, admin, bucket).catch(() => undefined);
    rmSync(join(config.paths.cache, 'checks', gold), { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the good run's report records every check passing", async () => {
    const report = await readJson<{ run_id: string; checks: CheckResult[] }>('_quality/latest.json');
    assert.equal(report.run_id, goodRun);
    assert.deepEqual(report.checks.map((r) => [r.name, r.status]), shippedChecks.map((name) => [name, 'pass']));
  });

  test('etl check on the good gold passes (exit 0) and lists every shipped check', async () => {
    const json = await etl(['check', '--json'], env);
    assert.equal(json.exitCode, 0, json.all);
    const run = JSON.parse(json.stdout) as CheckRun;
    assert.deepEqual(run.checks.map((r) => [r.name, r.status]), shippedChecks.map((name) => [name, 'pass']));
    const volume = run.checks.find((r) => r.name === 'fact_trips_month_volume')!;
    assert.deepEqual([volume.measured, volume.bound], [1, '>= 0.5 and <= 2.0']); // February / January of the sample
    const table = await etl(['check', '--only', 'fact_trips_key_unique'], env);
    assert.equal(table.exitCode, 0, table.all);
    assert.deepEqual(table.stdout.trim().split('\n').map((line) => line.split(/\s+/)), [
      ['check', 'table', 'severity', 'status', 'measured', 'bound'],
      ['fact_trips_key_unique', 'fact_trips', 'error', 'pass', '0', '=', '0'],
    ]);
    const unknown = await etl(['check', '--only', 'no_such_check'], env);
    assert.equal(unknown.exitCode, 2, unknown.all);
    assert.match(unknown.stderr, /no check named no_such_check in .*checks\.yaml/);
  });

  test('a February cut to a tenth fails row_count: exit 1, nothing written, the report has every result', async () => {
    const badFolder = join(tmp, 'bad');
    const which = await etl(['which', 'python']);
    const sample = ['-m', 'etl.sample', '--out', badFolder, '--months', '2024-02', '--rows', '2000', '--seed', '7'];
    const generate = await execa(which.stdout.trim(), sample,
      { cwd: ROOT, env: { PYTHONPATH: join(ROOT, 'src') }, reject: false, all: true });
    assert.equal(generate.exitCode, 0, generate.all);
    const extractBad = await etl(['extract', '--months', '2024-02', '--run-id', badExtract,
      '--source', `file://${badFolder}/yellow_tripdata_{YYYY}-{MM}.parquet`,
      '--zones', join(ROOT, 'Data_extracted', 'taxi_zone_lookup.csv')], env);
    assert.equal(extractBad.exitCode, 0, extractBad.all);

    const bad = await etl(['transform', '--run', badExtract, '--run-id', badRun], env, 600_000);
    assert.equal(bad.exitCode, 1, bad.all);
    const report = await readJson<{ status: string; stopped_by: string; tables: object; checks: CheckResult[];
      months: Record<string, { rows_kept: number }> }>(`_quality/${badRun}.json`);
    const ratio = Math.round((report.months['2024-02'].rows_kept / SAMPLE_MONTH_ROWS_KEPT) * 10_000) / 10_000;
    assert.ok(ratio > 0.05 && ratio < 0.15, `February kept ${report.months['2024-02'].rows_kept} rows`);
    assert.match(bad.stderr, new RegExp(`check fact_trips_month_volume \\(fact_trips\\) failed: measured ${ratio}, ` +
      'bound >= 0.5 and <= 2.0: 2024-02: \\d+ rows'));
    assert.match(bad.stderr, /nothing was written/);
    assert.deepEqual(await goldState(), goodState);
    assert.deepEqual([report.status, report.stopped_by, report.tables], ['failed', 'checks', {}]);
    assert.deepEqual(report.checks.map((r) => r.name), shippedChecks);
    assert.deepEqual(report.checks.filter((r) => r.status !== 'pass').map((r) => [r.name, r.status, r.measured]),
      [['fact_trips_month_volume', 'fail', ratio]]);
    const latest = await readJson<{ run_id: string }>('_quality/latest.json');
    assert.equal(latest.run_id, goodRun, 'latest.json stays the last published run');
  });
});
