import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AirflowUnreachable, type TaskInstance } from '../../../extension/core/airflow/client';
import {
  describeChange,
  failedTasks,
  pipelineConf,
  taskChanges,
  type TaskChange,
} from '../../../extension/core/airflow/pipelineRun';
import { HangWait, unreachableCause } from '../../../extension/core/airflow/hang';
import { lostWhileFollowing } from '../../../extension/core/airflow/trigger';
import { EtlError } from '../../../extension/core/errors';
import { etlPolicy, etlPolicyText } from '../../../extension/core/stack/minioUser';
import { ROOT } from '../helpers/cli';

const task = (task_id: string, state: string | null, try_number = 1): TaskInstance => ({ task_id, state, try_number });

test('the run conf carries only what was asked for', () => {
  assert.deepEqual(pipelineConf({}), {});
  assert.deepEqual(pipelineConf({ month: '2024-01', source: 'sample' }), { month: '2024-01', source: 'sample' });
  const template = 'https://example.org/yellow_{YYYY}-{MM}.parquet';
  assert.deepEqual(pipelineConf({ source: template }), { source: template });
});

test('a malformed month or source is refused before Airflow is asked', () => {
  assert.throws(
    () => pipelineConf({ month: '2024-13' }),
    (e: unknown) => e instanceof EtlError && /"2024-13" is not YYYY-MM/.test(e.message),
  );
  assert.throws(() => pipelineConf({ source: 'ftp://x/{YYYY}-{MM}' }), /neither "sample" nor a URL template/);
  assert.throws(() => pipelineConf({ source: 'https://x/no-placeholders.parquet' }), /neither "sample" nor a URL template/);
});

test('each poll reports only the tasks whose state or try changed', () => {
  const seen = new Map<string, TaskChange>();
  assert.deepEqual(taskChanges(seen, [task('extract', null), task('clean_and_transform', null)]).map(describeChange), [
    'extract not started',
    'clean_and_transform not started',
  ]);
  assert.deepEqual(taskChanges(seen, [task('extract', null), task('clean_and_transform', null)]), []);
  assert.deepEqual(
    taskChanges(seen, [task('extract', 'running'), task('clean_and_transform', null)]).map(describeChange),
    ['extract running'],
  );
  assert.deepEqual(
    taskChanges(seen, [task('extract', 'running', 2), task('clean_and_transform', null)]).map(describeChange),
    ['extract running (try 2)'],
  );
});

test('Airflow gone while a run is followed: the error says the run is not lost, and where to see it', () => {
  const gone = new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'ECONNREFUSED', 'start it: `etl up`');
  const queued = { runId: 'manual__1', url: 'http://127.0.0.1:8089/dags/etl_pipeline/runs/manual__1' };
  const told = lostWhileFollowing(gone, queued) as EtlError;
  assert.match(told.message, /^cannot reach Airflow at .* \(ECONNREFUSED\) while following run manual__1: the run is /);
  assert.match(told.message, /runs its unfinished task again once it is started$/);
  assert.equal(told.hint, `start it: \`etl up\`; then see ${queued.url}`);
  // Another error: unchanged.
  const refused = new EtlError('Airflow refused GET /x (HTTP 404)');
  assert.equal(lostWhileFollowing(refused, queued), refused);
});

test('Airflow hung while a run is followed: the error says it hangs, not that it stopped', () => {
  const hung = new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'TimeoutError', 'start it: `etl up`');
  const queued = { runId: 'manual__1', url: 'http://127.0.0.1:8089/dags/etl_pipeline/runs/manual__1' };
  const told = lostWhileFollowing(hung, queued, 121) as EtlError;
  assert.match(told.message, /while following run manual__1: Airflow has not answered for 121 s, it hangs; the run /);
  assert.match(told.hint ?? '', /^`etl status` says whether its supervisor restarted it; .*; then see http/);
});

const timedOut = new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'TimeoutError', '');
const refusedConnection = new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'ECONNREFUSED', '');

test('a watch waits out a hang, and the restart after it, up to its bound, from the call that went unanswered', () => {
  let now = 1_000_000;
  const hang = new HangWait(120_000, () => now);
  now += 15_000; // the call asked at 1_000_000 timed out 15 s later
  assert.equal(hang.waitsAfter(timedOut, 1_000_000), true);
  assert.equal(hang.silentS, 15);
  now += 30_000;
  assert.equal(hang.waitsAfter(refusedConnection, now), true, 'refused after a hang: the restart under way');
  now += 80_000;
  assert.equal(hang.waitsAfter(timedOut, now - 15_000), false, 'past the bound');
  assert.equal(hang.silentS, 125);
  hang.answered();
  assert.equal([hang.waiting, hang.silentS].join(), 'false,0');
});

test('a refusal first is an Airflow that was stopped, and any other error is not a hang: neither is waited for', () => {
  const hang = new HangWait(120_000, () => 0);
  assert.equal(hang.waitsAfter(refusedConnection, 0), false);
  assert.equal(hang.waitsAfter(new EtlError('Airflow refused GET /x (HTTP 404): not found'), 0), false);
  const lookalike = new Error('cannot reach Airflow at x (TimeoutError)');
  assert.equal(hang.waitsAfter(lookalike, 0), false, 'a lookalike message, not the client\'s error');
  assert.equal(hang.waiting, false);
  assert.equal(unreachableCause(refusedConnection), 'ECONNREFUSED');
});

test('failed and upstream-failed tasks are the failures', () => {
  const tasks = [
    task('choose_month', 'success'),
    task('extract', 'failed', 3),
    task('clean_and_transform', 'upstream_failed'),
  ];
  assert.deepEqual(failedTasks(tasks).map((t) => t.task_id), ['extract', 'clean_and_transform']);
});

test("the ETL's MinIO policy comes from config/minio-etl-policy.json: objects in its buckets, no " +
  "administration", () => {
  const policy = etlPolicy(ROOT, { rawzone: 'raw', gold: 'golden' }) as {
    Statement: { Action: string[]; Resource: string[] }[];
  };
  const resources = policy.Statement.flatMap((s) => s.Resource);
  assert.deepEqual([...new Set(resources.map((r) => r.replace(/\/\*$/, '')))].sort(), [
    'arn:aws:s3:::golden',
    'arn:aws:s3:::golden-*',
    'arn:aws:s3:::raw',
    'arn:aws:s3:::raw-*',
  ]);
  const actions = policy.Statement.flatMap((s) => s.Action);
  for (const forbidden of [
    's3:*',
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:CreateBucket',
    's3:DeleteBucket',
  ]) {
    assert.ok(!actions.includes(forbidden), `${forbidden} must not be granted`);
  }
  assert.ok(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:ListBucket'].every((a) => actions.includes(a)));
});

test('a placeholder the code does not fill is an error naming the file', () => {
  assert.throws(
    () => etlPolicyText('{"x": "${OTHER_BUCKET}"}', { rawzone: 'r', gold: 'g' }),
    /minio-etl-policy\.json has a placeholder .*\$\{OTHER_BUCKET\}/,
  );
});
