import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  backfillBody,
  confConflicts,
  createOnce,
  monthsOf,
  NOT_CREATED,
  statesSummary,
} from '../../../extension/core/airflow/backfill';
import {
  AirflowUnreachable, isTransient, type AirflowClient, type Backfill, type BackfillBody, type ListedDagRun,
} from '../../../extension/core/airflow/client';
import { EtlError } from '../../../extension/core/errors';
import {
  backfillWindow,
  logicalDateOf,
  monthOfLogicalDate,
  parseMonthRange,
  PUBLICATION_LAG_MONTHS,
  rangeLabel,
  rangeProblem,
} from '../../../extension/core/airflow/monthRange';
import { UsageError } from '../../../extension/core/errors';
import { groupBackfills, type RunsEntry } from '../../../extension/core/runs/backfills';
import { joinRuns, type DagRunRecord } from '../../../extension/core/runs/join';
import { rerunPlan } from '../../../extension/core/runs/rerun';
import { ROOT } from '../helpers/cli';

const NOW = new Date('2026-12-04T11:00:00Z');
const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.describe());

describe('month ranges', () => {
  test('a range is every month from the first to the last, across years', () => {
    assert.deepEqual(parseMonthRange('2024-01..2024-06').months,
      ['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    assert.deepEqual(parseMonthRange(' 2023-11 .. 2024-02 ').months, ['2023-11', '2023-12', '2024-01', '2024-02']);
    assert.deepEqual(parseMonthRange('2024-03'), { first: '2024-03', last: '2024-03', months: ['2024-03'] });
    assert.deepEqual(parseMonthRange('2024-03..2024-03').months, ['2024-03']);
    assert.equal(rangeLabel(parseMonthRange('2024-01..2024-06')), '2024-01..2024-06');
    assert.equal(rangeLabel(parseMonthRange('2024-03..2024-03')), '2024-03');
  });

  test('bad input is a usage error saying what is wrong and what to write', () => {
    assert.throws(() => parseMonthRange('2024-06..2024-01'),
      usage(/range "2024-06\.\.2024-01" is reversed: 2024-01 comes before 2024-06\n.*2024-01\.\.2024-06/));
    assert.throws(() => parseMonthRange('2024-13'), usage(/month "2024-13" is not YYYY-MM/));
    assert.throws(() => parseMonthRange('2024-1..2024-03'), usage(/month "2024-1" is not YYYY-MM/));
    assert.throws(() => parseMonthRange('2024-01..2024-00'), usage(/month "2024-00" is not YYYY-MM/));
    assert.throws(() => parseMonthRange('2024-01..'), usage(/"2024-01\.\." is not a month range/));
    assert.throws(() => parseMonthRange('2024-01..2024-02..2024-03'), usage(/is not a month range/));
    assert.throws(() => parseMonthRange('2024-01,2024-03'), usage(/month "2024-01,2024-03" is not YYYY-MM/));
    assert.throws(() => parseMonthRange(''), usage(/no months given/));
    assert.throws(() => parseMonthRange('2008-12..2009-02'), usage(/"2008-12" is out of range\n.*start in 2009-01/));
  });

  test("Trigger DAG's input box says what is wrong on one line, nothing when the range can be backfilled", () => {
    assert.equal(rangeProblem('2024-01..2024-06', NOW), undefined);
    assert.equal(rangeProblem('2024-06..2024-01', NOW),
      'range "2024-06..2024-01" is reversed: 2024-01 comes before 2024-06 — write the earlier month first: '
        + '2024-01..2024-06');
    assert.match(rangeProblem('2026-10..2026-11', NOW) ?? '', /^month 2026-11 cannot be backfilled yet: .* — end the/);
  });

  test('at most 120 months', () => {
    assert.equal(parseMonthRange('2010-01..2019-12').months.length, 120);
    assert.throws(() => parseMonthRange('2010-01..2020-01'),
      usage(/"2010-01\.\.2020-01" holds 121 months, more than 120/));
  });
});

describe("the backfill's logical dates", () => {
  test('month M is the run of 1st of M+2, 00:00 UTC, and back', () => {
    assert.equal(logicalDateOf('2024-01'), '2024-03-01T00:00:00Z');
    assert.equal(logicalDateOf('2024-11'), '2025-01-01T00:00:00Z');
    assert.equal(logicalDateOf('2024-12'), '2025-02-01T00:00:00Z');
    assert.equal(monthOfLogicalDate('2025-02-01T00:00:00Z'), '2024-12');
    assert.equal(monthOfLogicalDate('2024-03-01T00:00:00+00:00'), '2024-01');
    assert.equal(monthOfLogicalDate('not a date'), undefined);
  });

  test('the window is the first and last months\' own logical dates (Airflow includes both ends)', () => {
    assert.deepEqual(backfillWindow(parseMonthRange('2024-01..2024-06')),
      { fromDate: '2024-03-01T00:00:00Z', toDate: '2024-08-01T00:00:00Z' });
    assert.deepEqual(backfillWindow(parseMonthRange('2024-05')),
      { fromDate: '2024-07-01T00:00:00Z', toDate: '2024-07-01T00:00:00Z' });
  });

  test("the lag is src/etl/schedule.py's, which choose_month applies to the logical date", () => {
    const schedule = readFileSync(join(ROOT, 'src', 'etl', 'schedule.py'), 'utf8');
    assert.match(schedule, new RegExp(`^PUBLICATION_LAG_MONTHS = ${PUBLICATION_LAG_MONTHS}$`, 'm'));
  });
});

describe('the request body of POST /api/v2/backfills', () => {
  test('the DAG, the window, the source for every month, reprocessing, one run at a time', () => {
    assert.deepEqual(backfillBody(parseMonthRange('2024-01..2024-06'), 'sample', NOW), {
      dag_id: 'etl_pipeline',
      from_date: '2024-03-01T00:00:00Z',
      to_date: '2024-08-01T00:00:00Z',
      run_backwards: false,
      dag_run_conf: { source: 'sample' },
      reprocess_behavior: 'completed',
      max_active_runs: 1,
    });
  });

  test('no month in the conf (it would override every run\'s logical date); no source: the TLC\'s', () => {
    const body = backfillBody(parseMonthRange('2024-01..2024-02'), undefined, NOW);
    assert.deepEqual(body.dag_run_conf, {});
    const template = 'file:///data/yellow_tripdata_{YYYY}-{MM}.parquet';
    assert.deepEqual(backfillBody(parseMonthRange('2024-01'), template, NOW).dag_run_conf, { source: template });
    assert.throws(() => backfillBody(parseMonthRange('2024-01'), 'ftp://x', NOW), /neither "sample" nor a URL/);
  });

  test('a month whose run would lie in the future is refused, naming the last one possible', () => {
    // 2026-12-04: 2026-10's run is 2026-12-01 (past), 2026-11's is 2027-01-01.
    assert.equal(backfillBody(parseMonthRange('2026-09..2026-10'), undefined, NOW).to_date, '2026-12-01T00:00:00Z');
    assert.throws(() => backfillBody(parseMonthRange('2026-09..2026-11'), undefined, NOW),
      usage(/month 2026-11 cannot be backfilled yet: the DAG processes it in its run of 2027-01-01.*\n.*end the range at 2026-10/));
  });
});

describe("following a backfill's months", () => {
  const run = (logical: string, state: string): ListedDagRun => ({
    dag_run_id: `backfill__${logical}`, logical_date: logical, state, run_type: 'backfill',
  });

  test('each month with the run of its logical date; a month Airflow made no run for is "not created"', () => {
    const months = monthsOf(parseMonthRange('2024-01..2024-03'), [
      run('2024-03-01T00:00:00Z', 'success'),
      run('2024-05-01T00:00:00+00:00', 'failed'),
      run('2024-09-01T00:00:00Z', 'running'), // another date: not ours
    ]);
    assert.deepEqual(months.map((m) => [m.month, m.runId, m.state]), [
      ['2024-01', 'backfill__2024-03-01T00:00:00Z', 'success'],
      ['2024-02', undefined, NOT_CREATED],
      ['2024-03', 'backfill__2024-05-01T00:00:00+00:00', 'failed'],
    ]);
    assert.equal(statesSummary(months), `1 success, 1 ${NOT_CREATED}, 1 failed`);
  });
});

test("a month whose run has another conf is named: Airflow's backfill would run it again with that conf", () => {
  const run = (logical: string, conf: Record<string, unknown> | undefined, state = 'success'): ListedDagRun => ({
    dag_run_id: `r${logical.slice(0, 7)}`, logical_date: logical, state, run_type: 'backfill', conf,
  });
  const range = parseMonthRange('2024-01..2024-03');
  const existing = [
    run('2024-03-01T00:00:00Z', { source: 'sample' }),
    run('2024-04-01T00:00:00Z', { source: 'file:///x/{YYYY}-{MM}' }, 'failed'),
    run('2024-05-01T00:00:00Z', undefined, 'running'), // a scheduled run: no conf
  ];
  assert.deepEqual(confConflicts(range, existing, { source: 'sample' }), [
    '2024-02 (run r2024-04, failed, conf {"source":"file:///x/{YYYY}-{MM}"})',
    '2024-03 (run r2024-05, running, conf {})',
  ]);
  assert.deepEqual(confConflicts(range, [existing[2]], {}), []);
  assert.deepEqual(confConflicts(range, [], { source: 'sample' }), []);
});

describe('backfills in the Runs view', () => {
  const backfill = (id: number, first: string, last: string, created: string, completed: string | null): Backfill => ({
    id, dag_id: 'etl_pipeline', from_date: logicalDateOf(first), to_date: logicalDateOf(last), dag_run_conf: {},
    is_paused: false, reprocess_behavior: 'completed', max_active_runs: 1, created_at: created, completed_at: completed,
  });
  const dagRun = (id: string, start: string, state: string, extra: Partial<DagRunRecord> = {}): DagRunRecord => ({
    dagId: 'etl_pipeline', dagRunId: id, state, startedAt: start, endedAt: null, conf: {}, ...extra,
  });
  const backfillRun = (month: string, start: string, state: string) =>
    dagRun(`backfill__${logicalDateOf(month)}`, start, state,
      { runType: 'backfill', logicalDate: logicalDateOf(month), queuedAt: start, conf: { source: 'sample' } });

  test("a backfill run's month comes from its logical date; re-running it runs that month again", () => {
    const [row] = joinRuns({ extracts: [], reports: [], dagRuns: [backfillRun('2024-02', '2026-12-04T10:00:00Z',
      'failed')] });
    assert.deepEqual(row.months, ['2024-02']);
    assert.deepEqual(rerunPlan(row), { kind: 'dag', request: { month: '2024-02', source: 'sample' } });
  });

  test("a backfill's runs are one entry, where its newest run was, with each month's state", () => {
    const runs = joinRuns({
      extracts: [],
      reports: [],
      dagRuns: [
        dagRun('manual__late', '2026-12-04T12:00:00Z', 'success', { runType: 'manual', conf: { month: '2024-05' } }),
        backfillRun('2024-01', '2026-12-04T10:00:00Z', 'success'),
        backfillRun('2024-02', '2026-12-04T10:10:00Z', 'failed'), // a check stopped it: the next month ran all the same
        backfillRun('2024-03', '2026-12-04T10:20:00Z', 'running'),
        dagRun('manual__early', '2026-12-04T09:00:00Z', 'success', { runType: 'manual', conf: { month: '2024-06' } }),
        // an older backfill's run of a date outside the new one's window stays with the old one
        backfillRun('2023-01', '2026-11-01T10:00:00Z', 'success'),
      ],
    });
    const entries = groupBackfills(runs, [
      backfill(7, '2024-01', '2024-04', '2026-12-04T09:59:00Z', null),
      backfill(6, '2023-01', '2023-01', '2026-11-01T09:59:00Z', '2026-11-01T10:30:00Z'),
    ]);
    assert.deepEqual(entries.map((e) => (e.kind === 'run' ? e.run.id : `backfill ${e.group.range}`)), [
      'manual__late', 'backfill 2024-01..2024-04', 'manual__early', 'backfill 2023-01',
    ]);
    const group = (entries[1] as Extract<RunsEntry, { kind: 'backfill' }>).group;
    assert.deepEqual(group.months.map((m) => [m.month, m.run?.state]), [
      ['2024-01', 'succeeded'], ['2024-02', 'failed'], ['2024-03', 'running'], ['2024-04', undefined],
    ]);
    assert.equal(group.summary, '1 succeeded · 1 failed · 1 running · 1 not created yet');
    assert.equal(group.state, 'running');
    const done = groupBackfills(runs.filter((r) => r.dagRun?.state !== 'running'),
      [backfill(7, '2024-01', '2024-04', '2026-12-04T09:59:00Z', '2026-12-04T11:00:00Z')]);
    const over = done.find((e) => e.kind === 'backfill') as Extract<RunsEntry, { kind: 'backfill' }>;
    assert.equal(over.group.state, 'failed');
    assert.equal(over.group.summary, '1 succeeded · 1 failed · 2 not run');
  });

  test('a run queued before a backfill was created is not its run (a later backfill took the date over)', () => {
    const [row] = joinRuns({ extracts: [], reports: [], dagRuns: [backfillRun('2024-01', '2026-12-04T08:00:00Z',
      'success')] });
    const entries = groupBackfills([row], [
      backfill(9, '2024-01', '2024-02', '2026-12-04T09:00:00Z', null),
      backfill(8, '2024-01', '2024-01', '2026-12-04T07:59:00Z', '2026-12-04T08:30:00Z'),
    ]);
    assert.deepEqual(entries.map((e) => (e.kind === 'backfill' ? e.group.backfill.id : e.run.id)), [8]);
  });
});

describe('creating a backfill when Airflow\'s answer is lost', () => {
  const body = { from_date: '2024-03-01T00:00:00Z', to_date: '2024-04-01T00:00:00Z' } as BackfillBody;
  const locked = new EtlError('Airflow refused POST /api/v2/backfills (HTTP 500): Internal Server Error');
  const ours = { id: 7, from_date: '2024-03-01T00:00:00+00:00', to_date: '2024-04-01T00:00:00+00:00',
    completed_at: null } as Backfill;
  /** An Airflow client that fails its first creates as told and lists the given backfills. */
  const client = (failures: Error[], listed: Backfill[]) => {
    const calls: string[] = [];
    const api = {
      createBackfill: async () => {
        calls.push('create');
        const failure = failures.shift();
        if (failure) throw failure;
        return { ...ours, id: 8 };
      },
      listBackfills: async () => { calls.push('list'); return listed; },
    };
    return { api: api as unknown as AirflowClient, calls };
  };

  test('5xx and cut connections are transient; refusals and other errors are not', () => {
    assert.equal(isTransient(locked), true);
    assert.equal(isTransient(new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'ECONNRESET', '')), true);
    assert.equal(isTransient(new AirflowUnreachable('Airflow at http://127.0.0.1:8089', 'ECONNREFUSED', '')), false);
    assert.equal(isTransient(new EtlError('Airflow refused POST /x (HTTP 409): running')), false);
    assert.equal(isTransient(new Error('(HTTP 500)')), false);
  });

  test('an active backfill over the same dates after a lost answer is ours: not created twice', async () => {
    const { api, calls } = client([locked], [{ ...ours, from_date: '2023-01-01T00:00:00Z' }, ours]);
    assert.equal((await createOnce(api, body)).id, 7);
    assert.deepEqual(calls, ['create', 'list']);
  });

  test('none after a lost answer: nothing was created, so it asks once more', async () => {
    const { api, calls } = client([locked], [{ ...ours, completed_at: '2026-01-01T00:00:00Z' }]);
    assert.equal((await createOnce(api, body)).id, 8);
    assert.deepEqual(calls, ['create', 'list', 'create']);
  });

  test('a refusal is not asked again', async () => {
    const { api, calls } = client([new EtlError('Airflow refused POST /api/v2/backfills (HTTP 409): running')], []);
    await assert.rejects(createOnce(api, body), /HTTP 409/);
    assert.deepEqual(calls, ['create']);
  });
});
