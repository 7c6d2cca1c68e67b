import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backfillPipeline, type BackfillEvent, type BackfillResult } from '../../extension/core/airflow/backfill';
import { AirflowClient } from '../../extension/core/airflow/client';
import { PIPELINE_DAG } from '../../extension/core/airflow/pipelineRun';
import { groupBackfills } from '../../extension/core/runs/backfills';
import { joinRuns } from '../../extension/core/runs/join';
import { loadDagRuns } from '../../extension/core/runs/load';
import { ROOT, etl, projectConfig } from '../helpers/cli';

// `etl trigger --months` against the real Airflow of the native stack (`etl up --with airflow`, which npm test starts
// with ETL_DAG_RETRIES=0): one backfill through POST /api/v2/backfills, its runs started by the real scheduler, the
// tasks run against the real MinIO and Spark. The TLC is not reachable from the test machines: the months come from
// the bundled sample (conf source "sample", what airflow.test.ts triggers with) or a local file:// copy of it.
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

  let result: BackfillResult;

  test('a backfill of 2024-01..2024-02 on the sample: two backfill runs at the months\' logical dates, both '
    + 'succeeded, one after the other', async () => {
    const events: BackfillEvent[] = [];
    result = await backfillPipeline(
      client,
      { months: '2024-01..2024-02', source: 'sample' },
      { onEvent: (e) => events.push(e), pollMs: 2000 },
    );
    assert.equal(result.completed, true);
    assert.deepEqual(result.months.map((m) => [m.month, m.logicalDate, m.state]), [
      ['2024-01', FROM, 'success'],
      ['2024-02', TO, 'success'],
    ], JSON.stringify(result.months));
    const created = events.find((e) => e.kind === 'created');
    assert.ok(created && created.kind === 'created' && created.backfillId === result.backfillId);
    assert.deepEqual([created.fromDate, created.toDate, created.conf], [FROM, TO, { source: 'sample' }]);

    const backfill = await client.getBackfill(result.backfillId);
    assert.ok(backfill.completed_at, 'Airflow marked the backfill complete');
    assert.deepEqual(
      [backfill.dag_id, backfill.max_active_runs, backfill.reprocess_behavior, backfill.dag_run_conf],
      [PIPELINE_DAG, 1, 'completed', { source: 'sample' }],
    );
    assert.deepEqual([time(backfill.from_date), time(backfill.to_date)], [time(FROM), time(TO)]);

    const runs = await client.runsBetween(PIPELINE_DAG, FROM, TO);
    assert.equal(runs.length, 2, JSON.stringify(runs));
    assert.deepEqual(runs.map((r) => [r.run_type, time(r.logical_date), r.state]), [
      ['backfill', time(FROM), 'success'],
      ['backfill', time(TO), 'success'],
    ]);
    assert.deepEqual(runs.map((r) => r.conf), [{ source: 'sample' }, { source: 'sample' }]);
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
      ['2024-01', 'succeeded', ['2024-01']],
      ['2024-02', 'succeeded', ['2024-02']],
    ]);
    assert.equal(entry.group.summary, '2 succeeded');
  });

  describe('a month that fails stops no other', () => {
    // Only 2024-02 (and the zones) in the source folder: 2024-01's extract fails, 2024-02 runs all the same.
    // (A month an error check stops fails the same way, in its clean_and_transform task.)
    const source = mkdtempSync(join(tmpdir(), 'etl-backfill-source-'));
    after(() => rmSync(source, { recursive: true, force: true }));

    const template = `file://${source}/yellow_tripdata_{YYYY}-{MM}.parquet`;

    test('the same months with another source are refused while their runs of the sample exist (Airflow would '
      + 'run them again with the sample)', async () => {
      assert.ok(result, 'needs the backfill above');
      const cli = await etl(['trigger', '--months', '2024-01..2024-02', '--source', template]);
      assert.equal(cli.exitCode, 1, cli.all);
      assert.match(cli.all, /2 months have a run already with another conf than .*: 2024-01 \(run backfill__/);
      assert.equal((await client.listBackfills(PIPELINE_DAG)).find((b) => !b.completed_at), undefined,
        'no backfill was created');
    });

    test('etl trigger --months 2024-01..2024-02 --json: 2024-01 failed, 2024-02 succeeded, exit 1 naming '
      + '2024-01', async () => {
      await deleteRuns();
      for (const file of ['yellow_tripdata_2024-02.parquet', 'taxi_zone_lookup.csv'])
        copyFileSync(join(ROOT, 'Data_extracted', file), join(source, file));
      const cli = await etl(['trigger', '--months', '2024-01..2024-02', '--source', template, '--json'], {},
        3_000_000);
      assert.equal(cli.exitCode, 1, cli.all);
      const printed = JSON.parse(cli.stdout) as BackfillResult;
      assert.deepEqual(printed.months.map((m) => [m.month, m.state]), [['2024-01', 'failed'], ['2024-02', 'success']],
        cli.all);
      assert.match(cli.stderr, /backfill \d+ created: 2024-01\.\.2024-02 \(logical dates 2024-03-01T00:00:00Z to /);
      assert.match(cli.stderr, /2024-02 success \(run backfill__/);
      assert.match(cli.stderr, /error: backfill \d+: 1 of 2 months did not succeed: 2024-01 \(failed\)\n2024-01: run /);
      assert.match(cli.stderr, /extract failed \(try 1\); last log lines:/);
      const runs = await client.runsBetween(PIPELINE_DAG, FROM, TO);
      assert.deepEqual(runs.map((r) => [r.run_type, r.state]), [['backfill', 'failed'], ['backfill', 'success']]);
      assert.deepEqual(runs.map((r) => r.conf), [{ source: template }, { source: template }]);
    });
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
