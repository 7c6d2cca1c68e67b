import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AirflowClient } from '../../../extension/core/airflow/client';
import { PIPELINE_DAG } from '../../../extension/core/airflow/pipelineRun';
import { failureSummary, triggerPipeline } from '../../../extension/core/airflow/trigger';
import { diffReports } from '../../../extension/core/runs/diff';
import { loadDagRuns, loadReports, loadRuns, startLoadRuns, type RunsModel } from '../../../extension/core/runs/load';
import { ReportCache } from '../../../extension/core/runs/reportCache';
import { previousWithReport } from '../../../extension/core/runs/join';
import { sparkHistoryUrl } from '../../../extension/core/runs/rerun';
import { s3Client } from '../../../extension/core/s3/client';
import { listAllKeys } from '../../../extension/core/s3/listing';
import { adminClient } from '../../../extension/core/stack/buckets';
import { projectConfig } from '../helpers/cli';

// The Runs view's model against the real stack: MinIO (gold's quality reports), Spark (a real
// transform through the real Airflow DAG, its application in the Spark History Server) and Airflow.
const config = projectConfig();
const client = s3Client(config);
const airflow = AirflowClient.of(config);

async function historyApp(
  appId: string,
  timeoutMs = 60_000,
): Promise<{ attempts: { completed: boolean }[] } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(
      `http://${config.bindHost}:${config.spark.historyUiPort}/api/v1/applications/${appId}`,
    ).catch(() => undefined);
    if (response?.ok) {
      const app = (await response.json()) as { attempts: { completed: boolean }[] };
      if (app.attempts.every((a) => a.completed)) return app;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/**
 * A successful manual DAG run of a sample month: airflow.test.ts leaves one (npm test runs it first, on this stack),
 * which saves a run here (~30 s); run alone, this file triggers one.
 */
async function sampleDagRun(): Promise<{ runId: string; month: string }> {
  const done = (await airflow.listRuns(PIPELINE_DAG, 20)).find(
    (r) => r.run_type === 'manual' && r.state === 'success' && r.conf?.source === 'sample' &&
      typeof r.conf?.month === 'string',
  );
  if (done) return { runId: done.dag_run_id, month: String(done.conf?.month) };
  const result = await triggerPipeline(airflow, { month: '2024-01', source: 'sample' }, { pollMs: 2000 });
  assert.equal(result.state, 'success', await failureSummary(airflow, result));
  return { runId: result.runId, month: '2024-01' };
}

describe('Runs view model against the real MinIO, Spark and Airflow', { timeout: 1_500_000 }, () => {
  test('a DAG run is one row: extraction, transform (report), Airflow run; its app in Spark History', async () => {
    const result = await sampleDagRun();

    const model = await loadRuns({ config, s3: client, airflow });
    assert.ok(model.airflow, 'Airflow answered');
    const row = model.runs.find((r) => r.dagRun?.dagRunId === result.runId);
    assert.ok(row, `no row for DAG run ${result.runId}`);
    assert.ok(row.extract, 'the extraction of the DAG run is on its row');
    assert.ok(row.transform, 'the transform of the DAG run is on its row');
    assert.deepEqual(row.transform.extract_runs, [row.extract.run_id]);
    assert.equal(row.transform.airflow?.dag_run_id, result.runId);
    assert.equal(row.id, row.extract.run_id);
    assert.equal(row.state, 'succeeded');
    assert.deepEqual(row.months, [result.month]);
    assert.ok(row.rows && row.rows.read === row.rows.kept + row.rows.rejected && row.rows.read > 0);
    assert.ok(Object.keys(row.transform.tables ?? {}).includes('fact_trips'));
    assert.equal(
      model.runs.indexOf(row),
      model.runs.findIndex((r) => r.startedAt <= row.startedAt),
      'newest first',
    );

    const appId = String(row.transform.app_id);
    const app = await historyApp(appId);
    assert.ok(app, `${appId} is not a completed application in the Spark History Server`);
    const page = await fetch(sparkHistoryUrl(config, appId));
    assert.equal(page.status, 200, 'the History Server serves the application page the view opens');

    const tasks = await airflow.taskInstances(PIPELINE_DAG, result.runId);
    assert.deepEqual(tasks.map((t) => t.task_id).sort(), ['choose_month', 'clean_and_transform', 'extract']);

    const previous = previousWithReport(model.runs, row.id);
    if (previous?.transform) {
      const diff = diffReports(row.transform, previous.transform);
      assert.equal(diff.totals[0].delta, row.transform.rows_read - previous.transform.rows_read);
    }
  });
});

describe('Runs view model: reports in a scratch gold bucket, Airflow down', { timeout: 120_000 }, () => {
  const admin = adminClient(config);
  const bucket = `${config.buckets.gold}-runstest-${randomBytes(4).toString('hex')}`;
  const report = (id: string, started: string, extractRuns: string[], rejected: number) =>
    JSON.stringify({
      run_id: id,
      status: 'succeeded',
      app_id: `app-${id}`,
      extract_runs: extractRuns,
      started_at: started,
      ended_at: started,
      rows_read: 100,
      rows_kept: 100 - rejected,
      rows_rejected: rejected,
      rejected_by_rule: { duplicate: rejected },
      months: {
        '2024-01': {
          rows_read: 100,
          rows_kept: 100 - rejected,
          rows_rejected: rejected,
          rejected_by_rule: { duplicate: rejected },
        },
      },
      phases: { read_s: 1.5 },
    });

  before(async () => {
    await admin.makeBucket(bucket, config.minio.region);
    const put = (key: string, text: string) => client.putObject(bucket, key, Buffer.from(text));
    await put('_quality/t1.json', report('t1', '2026-01-01T10:01:00Z', ['e1'], 10));
    await put('_quality/t2.json', report('t2', '2026-01-02T10:01:00Z', ['e2'], 25));
    await put('_quality/latest.json', report('t2', '2026-01-02T10:01:00Z', ['e2'], 25));
    await put('_quality/broken.json', '{"run_id": ');
  });

  after(async () => {
    const keys = (await listAllKeys(client, bucket, '')).map((e) => e.key);
    if (keys.length) await client.removeObjects(bucket, keys);
    await admin.removeBucket(bucket);
  });

  test('reports are read (not latest.json), a broken one is a problem, not a failure; the cache is used', async () => {
    const cache = new ReportCache();
    const first = await loadReports(client, bucket, cache);
    assert.deepEqual(first.reports.map((r) => r.run_id).sort(), ['t1', 't2']);
    assert.equal(first.problems.length, 1);
    assert.match(first.problems[0], /broken\.json is not valid JSON/);
    const again = await loadReports(client, bucket, cache);
    assert.equal(
      again.reports.find((r) => r.run_id === 't1'),
      first.reports.find((r) => r.run_id === 't1'),
      'cached object reused',
    );
  });

  /** A backup folder whose manifest holds extractions e1 and e2 (read by t1 and t2). */
  function manifestDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'etl-runs-'));
    const run = (id: string, started: string) => ({
      run_id: id,
      step: 'extract',
      status: 'succeeded',
      started_at: started,
      ended_at: started,
      months: ['2024-01'],
      source_template: 'file:///x/Data_extracted/yellow_tripdata_{YYYY}-{MM}.parquet',
      zones_source: null,
      bucket: 'rawzone',
      minio_endpoint: '',
      error: null,
      files: [],
    });
    const manifest = {
      schema_version: 1,
      updated_at: null,
      runs: [run('e1', '2026-01-01T10:00:00Z'), run('e2', '2026-01-02T10:00:00Z')],
    };
    writeFileSync(join(dir, 'extracted_paths.json'), JSON.stringify(manifest));
    return dir;
  }

  test('joined with a manifest; Airflow down leaves the DAG runs out without an error', async () => {
    const dir = manifestDir();
    const deadAirflow = new AirflowClient(`http://${config.bindHost}:1`, 2000);
    const scratch = { ...config, buckets: { ...config.buckets, gold: bucket } };
    const model = await loadRuns({ config: scratch, s3: client, airflow: deadAirflow, env: { ETL_BACKUP_DIR: dir } });
    assert.equal(model.airflow, false);
    assert.deepEqual(
      model.runs.map((r) => [r.id, r.transform?.run_id]),
      [
        ['e2', 't2'],
        ['e1', 't1'],
      ],
    );
    const [newer, older] = model.runs.map((r) => r.transform);
    assert.ok(newer && older);
    const diff = diffReports(newer, older);
    assert.deepEqual(
      diff.rules.map((d) => [d.name, d.delta]),
      [['duplicate', 15]],
    );
    assert.equal(await loadDagRuns(deadAirflow, new Set()), undefined);
    // MinIO not answering: the extractions still show, with why the transforms do not.
    const deadMinio = s3Client({ ...config, minio: { ...config.minio, apiPort: 1 } });
    const offline = await loadRuns({ config: scratch, s3: deadMinio, env: { ETL_BACKUP_DIR: dir } });
    assert.deepEqual(offline.runs.map((r) => [r.id, r.transform]), [['e2', undefined], ['e1', undefined]]);
    assert.match(offline.problems.join(), /quality reports not read: cannot reach MinIO at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) → start the stack/);
  });

  test('the first model needs no GET per report; the rest are read once each and merged as they arrive', async () => {
    const env = { ETL_BACKUP_DIR: manifestDir() };
    const sources = { config: { ...config, buckets: { ...config.buckets, gold: bucket } }, s3: client, env };
    const cache = new ReportCache();
    const shape = (m: RunsModel) => m.runs.map((r) => [r.id, r.transform?.run_id, !!r.reportPending]);
    const progress: RunsModel[] = [];
    const load = await startLoadRuns({ ...sources, cache }, { onProgress: (m) => progress.push(m), progressMs: 1 });
    assert.equal(load.first.unread, 3, 't1, t2 and broken.json are listed, not read');
    assert.deepEqual(shape(load.first), [['e2', undefined, true], ['e1', undefined, true]]);
    const complete = await load.complete;
    assert.deepEqual(shape(complete), [['e2', 't2', false], ['e1', 't1', false]]);
    assert.equal(complete.unread, 0);
    assert.match(complete.problems.join(), /broken\.json is not valid JSON/);
    // A repaint at most per read (none when all arrive before the first is due: the complete model follows).
    assert.ok(progress.length <= 3, `${progress.length} repaints for 3 reports`);
    assert.deepEqual(progress.map((m) => m.unread), progress.map((m) => m.unread).sort((a, b) => b - a));
    for (const model of progress) assert.deepEqual(model.runs.map((r) => r.id), ['e2', 'e1'], 'rows keep their place');
    // Read once: a second load with the same cache has every report before its first paint.
    const again = await startLoadRuns({ ...sources, cache });
    assert.equal(again.first.unread, 0);
    assert.deepEqual(shape(again.first), [['e2', 't2', false], ['e1', 't1', false]]);
    assert.match(again.first.problems.join(), /broken\.json is not valid JSON/);
    await again.complete;
  });
});