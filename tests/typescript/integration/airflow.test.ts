import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AirflowClient } from '../../../extension/core/airflow/client';
import { PIPELINE_DAG } from '../../../extension/core/airflow/pipelineRun';
import { failureSummary, triggerPipeline, type TriggerEvent } from '../../../extension/core/airflow/trigger';
import { EtlError } from '../../../extension/core/errors';
import { s3Client } from '../../../extension/core/s3/client';
import { deltaTableOf } from '../../../extension/core/s3/delta';
import { etl, projectConfig } from '../helpers/cli';

// The real Airflow of the native stack (`etl up --with airflow`): its scheduler runs the
// tasks with the LocalExecutor against the real MinIO and Spark cluster.
const config = projectConfig();
const client = AirflowClient.of(config);

/**
 * When the month was last committed to gold's fact_trips Delta table (its newest log entry), if it is in the snapshot.
 */
async function goldMonthCommit(month: string): Promise<Date | undefined> {
  const [year, mm] = month.split('-');
  const s3 = s3Client(config);
  const snapshot = await deltaTableOf(s3, config.buckets.gold, 'fact_trips/').catch(() => undefined);
  const inSnapshot = [...(snapshot?.current ?? [])].some((k) =>
    k.startsWith(`fact_trips/pickup_year=${year}/pickup_month=${Number(mm)}/`),
  );
  if (!snapshot || !inSnapshot) return undefined;
  const commit = `fact_trips/_delta_log/${String(snapshot.version).padStart(20, '0')}.json`;
  return s3.statObject(config.buckets.gold, commit).then((s) => s.lastModified, () => undefined);
}

/** The first 1st of a month at 00:00 UTC after `time`. */
function nextFirst(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + 1, 1));
}

describe('ETL: Trigger DAG against the real Airflow', { timeout: 900_000 }, () => {
  let enabled: Date | undefined; // when the first test unpaused the DAG

  test('a paused etl_pipeline is unpaused, runs extract then clean_and_transform on the sample, and gold holds the ' +
    'month', async () => {
    await client.setPaused(PIPELINE_DAG, true);
    const started = new Date(Date.now() - 1000);
    enabled = started;
    const events: TriggerEvent[] = [];
    const result = await triggerPipeline(
      client,
      { month: '2024-02', source: 'sample' },
      { onEvent: (e) => events.push(e), pollMs: 1000 },
    );

    assert.equal(result.state, 'success', await failureSummary(client, result));
    assert.equal(events[0].kind, 'unpaused');
    const triggered = events.find((e) => e.kind === 'triggered');
    assert.deepEqual(triggered && triggered.kind === 'triggered' && triggered.conf, {
      month: '2024-02',
      source: 'sample',
    });
    assert.deepEqual(Object.fromEntries(result.tasks.map((t) => [t.task_id, t.state])), {
      choose_month: 'success',
      extract: 'success',
      clean_and_transform: 'success',
    });
    // Streamed in order: extract finished before the transform started.
    const changes = events.flatMap((e) => (e.kind === 'task' ? [`${e.change.taskId} ${e.change.state}`] : []));
    const extractDone = changes.indexOf('extract success');
    assert.ok(extractDone >= 0 && changes.indexOf('clean_and_transform success') > extractDone, changes.join(', '));

    const committed = await goldMonthCommit('2024-02');
    assert.ok(
      committed && committed >= started,
      `gold's fact_trips has no fresh 2024-02 commit (last ${committed?.toISOString()})`,
    );
  });

  // The DAG's rule (run_immediately=timedelta(0)): enabling it runs no 1st already past, whatever the date. A 1st
  // that comes after enabling is due (should the suite cross 00:00 UTC on a 1st); runs queued before are older.
  test('unpausing started no scheduled run: the schedule waits for the next 1st', async () => {
    assert.ok(enabled, 'needs the test above, which unpauses the DAG');
    const since = enabled;
    const runs = (await client.listRuns(PIPELINE_DAG)).filter((r) => new Date(r.queued_at ?? 0) >= since);
    assert.ok(runs.some((r) => r.run_type === 'manual'), 'the run triggered above is not listed');
    const pastFirsts = runs.filter((r) => r.run_type === 'scheduled' && new Date(r.logical_date ?? 0) < since);
    const message = `enabled at ${since.toISOString()}, the DAG ran a past 1st`;
    assert.deepEqual(pastFirsts.map((r) => r.dag_run_id), [], message);

    const { next_dagrun_logical_date: next } = await client.getDag(PIPELINE_DAG);
    // The 1st after enabling, or the one after it once the suite has crossed a 1st.
    const firsts = [nextFirst(since), nextFirst(new Date())].map((d) => d.getTime());
    assert.ok(firsts.includes(new Date(next ?? NaN).getTime()),
      `next scheduled run: ${next}, expected ${nextFirst(since).toISOString()}`);
  });

  test('a run whose extract fails ends failed, with the task\'s own error and the run\'s URL', async () => {
    // npm test starts Airflow with ETL_DAG_RETRIES=0, so the failure is final at once.
    const result = await etl(
      ['trigger', '--month', '2024-03', '--source', 'file:///nonexistent/yellow_{YYYY}-{MM}.parquet'],
      {},
      600_000,
    );
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all, /extract failed/);
    assert.match(result.all, /clean_and_transform upstream_failed/);
    assert.match(result.all, /error: run manual__\S+ failed\nextract failed \(try 1\); last log lines:/);
    assert.match(result.all, /nonexistent/);
    assert.match(result.all, /→ see http:\/\/127\.0\.0\.1:\d+\/dags\/etl_pipeline\/runs\//);
  });

  test('`etl trigger` with a bad month exits before reaching Airflow', async () => {
    const result = await etl(['trigger', '--month', '2024-1', '--no-wait']);
    assert.equal(result.exitCode, 2); // a usage error
    assert.match(result.all, /month "2024-1" is not YYYY-MM/);
  });

  test('Airflow down: a clear error with the way out', async () => {
    const down = new AirflowClient('http://127.0.0.1:1');
    await assert.rejects(triggerPipeline(down, { month: '2024-01' }), (error: unknown) => {
      assert.ok(error instanceof EtlError);
      assert.match(error.message, /cannot reach Airflow at http:\/\/127\.0\.0\.1:1/);
      assert.match(error.hint ?? '', /etl up --with airflow/);
      return true;
    });
  });

  test('an unknown DAG is a 404 with a hint about the DAG processor', async () => {
    await assert.rejects(
      client.getDag('no_such_dag'),
      (error: unknown) =>
        error instanceof EtlError && /HTTP 404/.test(error.message) && /import errors/.test(error.hint ?? ''),
    );
  });
});
