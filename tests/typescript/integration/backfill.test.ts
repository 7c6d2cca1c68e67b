import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BackfillResult } from '../../../extension/core/airflow/backfill';
import { AirflowClient } from '../../../extension/core/airflow/client';
import { PIPELINE_DAG } from '../../../extension/core/airflow/pipelineRun';
import { groupBackfills } from '../../../extension/core/runs/backfills';
import { joinRuns } from '../../../extension/core/runs/join';
import { loadDagRuns } from '../../../extension/core/runs/load';
import { ROOT, etl, projectConfig } from '../helpers/cli';

// `etl trigger --months` against the real Airflow of the native stack (`etl up --with airflow`, which npm test starts
// with ETL_DAG_RETRIES=0): one backfill through POST /api/v2/backfills, its runs started by the real scheduler, the
// tasks run against the real MinIO and Spark. The TLC is not reachable from the test machines: the months come from
// a local file:// copy of the bundled sample.
const config = projectConfig();
const client = AirflowClient.of(config);

// Month M is the run of logical date 1st of M+2 (extension/core/airflow/monthRange.ts).
const LOGICAL_DATES = { '2024-01': '2024-03-01T00:00:00Z', '2024-02': '2024-04-01T00:00:00Z' };
const FROM = LOGICAL_DATES['2024-01'];
const TO = LOGICAL_DATES['2024-02'];
const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

describe('etl trigger --months: an Airflow backfill of the real etl_pipeline', { timeout: 3_600_000 }, () => {
  /** Deletes the DAG's runs of 2024-01 and 2024-02 (this suite's, from an earlier run of it): a clean start. */
  const deleteRuns = async () => {
    const runs = await client.runsBetween(PIPELINE_DAG, FROM, TO);
    for (const run of runs) await client.deleteRun(PIPELINE_DAG, run.dag_run_id);
  };

  before(async () => {
    // Airflow runs one backfill per DAG at a time: one an interrupted run of this suite left active would refuse ours.
    for (const b of await client.listBackfills(PIPELINE_DAG)) if (!b.completed_at) await client.cancelBackfill(b.id);
    await deleteRuns();
  });

  // One backfill (CI time: each month is a whole pipeline run): the source folder holds only 2024-02 (and the
  // zones), so 2024-01's extract fails and 2024-02 runs all the same. A month an error check stops fails the
  // same way, in its clean_and_transform task.
  const source = mkdtempSync(join(tmpdir(), 'etl-backfill-source-'));
  after(() => rmSync(source, { recursive: true, force: true }));
  const template = `file://${source}/yellow_tripdata_{YYYY}-{MM}.parquet`;
  let result: BackfillResult;

  test('etl trigger --months 2024-01..2024-02 --json: one backfill, two backfill runs at the months\' logical '
    + 'dates, one after the other; 2024-01 failed, 2024-02 succeeded all the same, exit 1 naming 2024-01', async () => {
    for (const file of ['yellow_tripdata_2024-02.parquet', 'taxi_zone_lookup.csv'])
      copyFileSync(join(ROOT, 'Data_extracted', file), join(source, file));
    const cli = await etl(['trigger', '--months', '2024-01..2024-02', '--source', template, '--json'], {},
      3_000_000);
    assert.equal(cli.exitCode, 1, cli.all);
    assert.ok(cli.stdout.trim().startsWith('{'), `no JSON result on stdout:\n${cli.all}`);
    result = JSON.parse(cli.stdout) as BackfillResult;
    assert.equal(result.completed, true);
    assert.deepEqual(result.months.map((m) => [m.month, m.logicalDate, m.state]), [
      ['2024-01', FROM, 'failed'],
      ['2024-02', TO, 'success'],
    ], cli.all);
    assert.match(cli.stderr, /backfill \d+ created: 2024-01\.\.2024-02 \(logical dates 2024-03-01T00:00:00Z to /);
    assert.match(cli.stderr, /2024-02 success \(run backfill__/);
    assert.match(cli.stderr, /error: backfill \d+: 1 of 2 months did not succeed: 2024-01 \(failed\)\n2024-01: run /);
    assert.match(cli.stderr, /extract failed \(try 1\); last log lines:/);

    const backfill = await client.getBackfill(result.backfillId);
    assert.ok(backfill.completed_at, 'Airflow marked the backfill complete');
    assert.deepEqual(
      [backfill.dag_id, backfill.max_active_runs, backfill.reprocess_behavior, backfill.dag_run_conf],
      [PIPELINE_DAG, 1, 'completed', { source: template }],
    );
    assert.deepEqual([time(backfill.from_date), time(backfill.to_date)], [time(FROM), time(TO)]);

    const runs = await client.runsBetween(PIPELINE_DAG, FROM, TO);
    assert.deepEqual(runs.map((r) => [r.run_type, time(r.logical_date), r.state]), [
      ['backfill', time(FROM), 'failed'],
      ['backfill', time(TO), 'success'],
    ], JSON.stringify(runs));
    assert.deepEqual(runs.map((r) => r.conf), [{ source: template }, { source: template }]);
    // max_active_runs 1: the second month started once the first had ended.
    assert.ok(time(runs[1].start_date) >= time(runs[0].end_date),
      `2024-02 started ${runs[1].start_date}, 2024-01 ended ${runs[0].end_date}`);
    // choose_month took each month from its run's logical date (the conf names none).
    for (const [run, month] of [[runs[0], '2024-01'], [runs[1], '2024-02']] as const)
      assert.match(String(await client.xcomValue(PIPELINE_DAG, run.dag_run_id, 'choose_month')), new RegExp(month));
  });

  test('the Runs view groups the two runs under "backfill 2024-01..2024-02"', async () => {
    assert.ok(result, 'needs the backfill above');
    const dagRuns = (await loadDagRuns(client, new Set())) ?? [];
    const rows = joinRuns({ extracts: [], reports: [], dagRuns });
    const entries = groupBackfills(rows, await client.listBackfills(PIPELINE_DAG));
    const entry = entries.find((e) => e.kind === 'backfill' && e.group.backfill.id === result.backfillId);
    assert.ok(entry && entry.kind === 'backfill', JSON.stringify(entries.map((e) => e.kind)));
    assert.equal(entry.group.range, '2024-01..2024-02');
    assert.deepEqual(entry.group.months.map((m) => [m.month, m.run?.state, m.run?.months]), [
      ['2024-01', 'failed', ['2024-01']],
      ['2024-02', 'succeeded', ['2024-02']],
    ]);
    assert.match(entry.group.summary, /1 succeeded/);
    assert.match(entry.group.summary, /1 failed/);
  });

  test('the same months with another source are refused while their runs exist (Airflow would run them again '
    + 'with their old conf)', async () => {
    assert.ok(result, 'needs the backfill above');
    const cli = await etl(['trigger', '--months', '2024-01..2024-02', '--source', 'sample']);
    assert.equal(cli.exitCode, 1, cli.all);
    assert.match(cli.all, /2 months have a run already with another conf than .*: 2024-01 \(run backfill__/);
    assert.equal((await client.listBackfills(PIPELINE_DAG)).find((b) => !b.completed_at), undefined,
      'no backfill was created');
  });

  test('a range Airflow cannot backfill is refused before reaching it', async () => {
    const reversed = await etl(['trigger', '--months', '2024-02..2024-01']);
    assert.equal(reversed.exitCode, 2, reversed.all);
    assert.match(reversed.all, /range "2024-02\.\.2024-01" is reversed/);
    const next = `${new Date().getUTCFullYear() + 1}-01`; // its run lies at least two months ahead
    const future = await etl(['trigger', '--months', next, '--no-wait']);
    assert.equal(future.exitCode, 2, future.all);
    assert.match(future.all, new RegExp(`month ${next} cannot be backfilled yet`));
  });
});
