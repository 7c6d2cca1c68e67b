import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  describeProgress,
  fetchStages,
  findDriverUi,
  stagesUrl,
  summarizeStages,
  type SparkStage,
} from '../../../extension/core/spark/restApi';
import {
  describeWrite,
  formatQualityReport,
  parseTransformLine,
  type QualityReport,
} from '../../../extension/core/transform/events';
import { transformArgs, transformError } from '../../../extension/core/transform/run';

const stage = (over: Partial<SparkStage>): SparkStage => ({
  stageId: 0,
  attemptId: 0,
  status: 'COMPLETE',
  name: 'collect at job.py:1',
  numTasks: 2,
  numActiveTasks: 0,
  numCompleteTasks: 2,
  numFailedTasks: 0,
  ...over,
});

describe('transform events and report', () => {
  test('only JSON lines with an event are events', () => {
    assert.equal(parseTransformLine('26/11/28 INFO SparkContext: Running Spark'), undefined);
    assert.equal(parseTransformLine('{"event":"phase","phase":"write"}')?.event, 'phase');
  });

  test('run_start says which runs of another store it left out (the schema accepts the line)', () => {
    const leftOut = 'left out 1 extraction run(s) stored elsewhere than where this transform reads '
      + '(native, http://127.0.0.1:9000, bucket rawzone): r-1 (compose, http://127.0.0.1:9000)';
    const start = { event: 'run_start', run_id: 't', app_id: 'a', ui_url: null, master: 'spark://h:7077',
      manifest_run: null, left_out: leftOut };
    const parsed = parseTransformLine(JSON.stringify(start));
    assert.equal(parsed?.event === 'run_start' ? parsed.left_out : undefined, leftOut);
    assert.equal(parseTransformLine(JSON.stringify({ ...start, left_out: 2 })), undefined); // not a line: noise
  });

  test('a write line names the months its one commit replaced', () => {
    const path = 's3a://gold/fact_trips';
    assert.equal(describeWrite({ event: 'table_written', table: 'fact_trips', months: ['2024-01', '2024-02'], path,
      seconds: 3.9 }), 'committed s3a://gold/fact_trips 2024-01, 2024-02 in 3.9 s');
    assert.equal(describeWrite({ event: 'table_written', table: 'dim_zone', months: [], path: 's3a://gold/dim_zone' }),
      'committed s3a://gold/dim_zone');
    assert.match(describeWrite({ event: 'table_written', table: 'dim_zone', months: [], path, unchanged: true }),
      /^unchanged .* not rewritten/);
  });

  test('argument arrays only, of run ids the contract allows', () => {
    assert.deepEqual(transformArgs({}), ['-m', 'etl.submit', '--skip-unchanged']);
    assert.deepEqual(transformArgs({ run: 'manual__2026-01-01T00:00:00+00:00', runId: 't1' }),
      ['-m', 'etl.submit', '--run', 'manual__2026-01-01T00:00:00+00:00', '--run-id', 't1', '--skip-unchanged']);
    assert.throws(() => transformArgs({ run: 'r; rm -rf /' }), /--run "r; rm -rf \/" is not a run id/);
    assert.throws(() => transformArgs({ runId: '../t1' }), /--run-id "\.\.\/t1" is not a run id/);
    assert.deepEqual(transformArgs({ force: true }), ['-m', 'etl.submit']);
  });

  test('a skipped run is announced; a report with phases shows where the time went', () => {
    const skipped = parseTransformLine(
      JSON.stringify({
        event: 'run_done',
        run_id: 't0',
        status: 'skipped',
        report: null,
        report_path: null,
        error: null,
        message: 'nothing changed',
      }),
    );
    assert.equal(skipped?.event === 'run_done' && skipped.status, 'skipped');
    const report = {
      rows_read: 1, rows_kept: 1, rows_rejected: 0, rejected_by_rule: {}, run_id: 't1', months: {},
      startup_s: 8.5, phases_s: { read: 1.2, classify: 2, write: 6.1 },
    } as unknown as QualityReport;
    assert.match(formatQualityReport(report), /time: start-up 8.5 s, read 1.2 s, classify 2 s, write 6.1 s/);
  });

  test('the job error line wins over the event and the tail', () => {
    assert.equal(
      transformError(['x', 'etl transform: error: cannot read s3a://b/k'], 'other', 1),
      'etl transform: error: cannot read s3a://b/k',
    );
    assert.equal(transformError(['x'], 'boom', 1), 'etl transform: error: boom');
    assert.match(transformError(['a', 'b'], null, 137), /exit 137[\s\S]*b/);
  });

  test('quality report table shows totals, months and non-zero rules', () => {
    const counts = (read: number, bad: number) => ({
      rows_read: read,
      rows_kept: read - bad,
      rows_rejected: bad,
      rejected_by_rule: { unknown_zone: bad, duplicate: 0 },
    });
    const report = {
      ...counts(40000, 320),
      run_id: 't1',
      months: { '2024-01': counts(20000, 160), '2024-02': counts(20000, 160) },
      report_path: 's3a://gold/_quality/t1.json',
    } as unknown as QualityReport;
    const text = formatQualityReport(report);
    assert.match(text, /rows read\s+40,000\s+20,000\s+20,000/);
    assert.match(text, /unknown_zone\s+320\s+160\s+160/);
    assert.doesNotMatch(text, /duplicate/);
  });
});

describe('Spark REST API progress', () => {
  let server: Server;
  let url = '';
  before(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/applications') res.end(JSON.stringify([{ id: 'app-1' }]));
      else if (req.url === '/api/v1/applications/app-1/stages')
        res.end(
          JSON.stringify([
            stage({
              stageId: 1,
              status: 'ACTIVE',
              numTasks: 4,
              numCompleteTasks: 1,
              numActiveTasks: 2,
              name: 'parquet at x:0',
            }),
          ]),
        );
      else res.writeHead(404).end('[]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  test('stages of the application, from the UI the job reported', async () => {
    assert.equal(stagesUrl('http://h:4040/', 'app-1'), 'http://h:4040/api/v1/applications/app-1/stages');
    assert.equal(await findDriverUi('127.0.0.1', 'app-1', url), url);
    const stages = await fetchStages(url, 'app-1');
    assert.equal(
      describeProgress(summarizeStages(stages!)),
      'stages 0 done, 1 active; tasks 1/4, 2 running — running: parquet',
    );
  });

  test('retried stages count once (latest attempt), skipped ones not at all', () => {
    const progress = summarizeStages([
      stage({ stageId: 3, attemptId: 0, status: 'FAILED', numFailedTasks: 1 }),
      stage({ stageId: 3, attemptId: 1, status: 'ACTIVE', numCompleteTasks: 1, numActiveTasks: 1 }),
      stage({ stageId: 4, status: 'SKIPPED' }),
      stage({ stageId: 2 }),
    ]);
    assert.deepEqual(
      [progress.stagesDone, progress.stagesActive, progress.stagesFailed, progress.tasksDone, progress.tasksSeen],
      [1, 1, 0, 3, 4],
    );
    assert.deepEqual(summarizeStages([stage({ status: 'ACTIVE', description: 'write fact_trips 2024-01' })]).active, [
      'write fact_trips 2024-01',
    ]);
  });
});
