import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EtlError, UsageError } from '../../../extension/core/errors';
import { isRestoreReport } from '../../../extension/core/restore/events';
import { logCommitOf } from '../../../extension/core/restore/load';
import {
  checkRunId,
  describePlan,
  filesAt,
  newRestoreId,
  planRestore,
  restoreArgs,
  restoreSteps,
  wroteNothing,
  type LogCommit,
  type TableLog,
} from '../../../extension/core/restore/plan';
import { partialFailureMessage } from '../../../extension/core/restore/run';
import { joinRuns } from '../../../extension/core/runs/join';
import { runLabels } from '../../../extension/core/runs/labels';
import { parseReport } from '../../../extension/core/runs/report';

/** A commit by `run` at `version` (timestamps follow versions) adding files `add` (name:rows) and removing `remove`. */
const commit = (version: number, run: string | undefined, add: string[], remove: string[] = []): LogCommit => ({
  version,
  timestamp: 1_000 + version,
  userMetadata: run,
  added: add.map((a) => ({ path: a.split(':')[0], rows: a.includes(':') ? Number(a.split(':')[1]) : undefined })),
  removed: remove,
});

// fact: A writes Jan and Feb, BAD replaces Jan, LATER replaces Feb; dim: A writes it, BAD's write is tagged.
const fact: TableLog = {
  table: 'fact_trips',
  commits: [
    commit(0, 'A', ['jan-a:100', 'feb-a:90']),
    commit(1, 'BAD', ['jan-bad:5'], ['jan-a']),
    commit(2, 'LATER', ['feb-later:80'], ['feb-a']),
  ],
};
const dim: TableLog = {
  table: 'dim_zone',
  commits: [commit(0, 'A', ['zone-a:265']), commit(1, 'BAD | zones etag 1', ['zone-bad:265'], ['zone-a'])],
};
const untouched: TableLog = { table: 'dim_vendor', commits: [commit(0, 'A', ['vendor-a:4'])] };

describe('restore plan (pure)', () => {
  test('each table BAD wrote goes back to the version before its first commit by BAD; rows from the stats', () => {
    const plan = planRestore('BAD', [fact, dim, untouched]);
    assert.deepEqual(plan.steps, [
      { table: 'fact_trips', action: 'restore', from: 2, to: 0, rowsNow: 85, rowsThen: 190, alsoUndone: ['LATER'] },
      { table: 'dim_zone', action: 'restore', from: 1, to: 0, rowsNow: 265, rowsThen: 265, alsoUndone: [] },
    ]);
    assert.deepEqual(restoreArgs(plan, 'restore-20261204T080000Z-abcdef'), [
      '-m', 'etl.restore', '--run-id', 'restore-20261204T080000Z-abcdef', '--before-run', 'BAD',
      '--table', 'fact_trips=0', '--expect-version', 'fact_trips=2', '--table', 'dim_zone=0',
      '--expect-version', 'dim_zone=1',
    ]);
    assert.deepEqual(describePlan(plan), [
      'restore before run BAD: 2 table(s) go back',
      '  fact_trips: v2 → v0 (rows 85 now → 190 then); also undoes the later run(s) LATER',
      '  dim_zone: v1 → v0 (rows 265 now → 265 then)',
    ]);
  });

  test('after a partial restore, a table whose files already are the target\'s is "already restored"', () => {
    const restoredDim: TableLog = {
      table: 'dim_zone',
      commits: [...dim.commits, commit(2, 'restore-1', ['zone-a:265'], ['zone-bad'])],
    };
    const plan = planRestore('BAD', [fact, restoredDim]);
    assert.deepEqual(plan.steps[1], { table: 'dim_zone', action: 'already-restored', version: 2, to: 0 });
    assert.deepEqual(restoreSteps(plan).map((s) => s.table), ['fact_trips']);
    assert.match(describePlan(plan)[2], /dim_zone: already as before the run \(v2 holds v0's files\)/);
  });

  test('every table already restored: nothing to restore, no table to pass to Python', () => {
    const restoredAgain = commit(2, 'r', ['zone-a:265'], ['zone-bad']);
    const done: TableLog = { table: 'dim_zone', commits: [...dim.commits, restoredAgain] };
    const plan = planRestore('BAD', [done]);
    assert.equal(restoreSteps(plan).length, 0);
    assert.equal(wroteNothing(plan), false);
    assert.equal(describePlan(plan)[0], 'gold is already as before run BAD: nothing to restore');
  });

  test('a table the run created has no version before it: reported, left as is', () => {
    const plan = planRestore('A', [untouched]);
    assert.deepEqual(plan.steps, [{ table: 'dim_vendor', action: 'created-by-run', version: 0 }]);
    assert.equal(restoreSteps(plan).length, 0);
    assert.match(describePlan(plan)[1], /dim_vendor: created by the run \(no version before it\), not removed/);
  });

  test('an unknown run id is an error naming it and the runs that did write gold', () => {
    assert.throws(
      () => planRestore('transform-nope', [fact, dim]),
      (error: unknown) =>
        error instanceof EtlError &&
        /no run 'transform-nope' is known/.test(error.message) &&
        error.hint === 'runs that wrote gold, newest first: LATER, BAD, A (all runs: the Runs view in VS Code)',
    );
  });

  test('a known run that wrote nothing (an extraction, a skipped transform) gives an empty plan that says so', () => {
    const plan = planRestore('extract-1', [fact], ['extract-1']);
    assert.equal(wroteNothing(plan), true);
    assert.deepEqual(describePlan(plan), ['run extract-1 wrote nothing to gold: nothing to restore']);
  });

  test('file sets: replayed from version 0; without commit 0 they are unknown, so never "already restored"', () => {
    assert.deepEqual([...(filesAt(fact.commits, 1)?.keys() ?? [])].sort(), ['feb-a', 'jan-bad']);
    const trimmed = fact.commits.slice(1);
    assert.equal(filesAt(trimmed, 2), undefined);
    const step = planRestore('BAD', [{ table: 'fact_trips', commits: trimmed }]).steps[0];
    assert.deepEqual(step, { table: 'fact_trips', action: 'restore', from: 2, to: 0, rowsNow: undefined,
      rowsThen: undefined, alsoUndone: ['LATER'] });
    assert.match(describePlan({ beforeRun: 'BAD', steps: [step] })[1], /rows \? now → \? then/);
  });

  test('run ids: checked before they reach Python; restore ids are restore-<UTC stamp>-<6 hex>', () => {
    assert.throws(() => checkRunId('a b', '--before-run'), UsageError);
    assert.throws(() => planRestore('x`;y', [fact]), UsageError);
    assert.equal(checkRunId('manual__2026-12-04T08:00:00+00:00', '--before-run'), 'manual__2026-12-04T08:00:00+00:00');
    assert.equal(newRestoreId(new Date(Date.UTC(2026, 11, 4, 8, 5, 9)), '0a1b2c'), 'restore-20261204T080509Z-0a1b2c');
    assert.match(newRestoreId(), /^restore-\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  });

  test("a commit's actions: encoded paths decoded, rows from stats, the run in userMetadata", () => {
    const actions = [
      { commitInfo: { timestamp: 5, operation: 'RESTORE', userMetadata: 'restore-x' } },
      { add: { path: 'pickup_month%3D1/a.parquet', size: 1, stats: '{"numRecords":7}' } },
      { add: { path: 'b.parquet', size: 1, stats: 'not json' } },
      { remove: { path: 'pickup_month%3D1/old.parquet' } },
    ];
    assert.deepEqual(logCommitOf({ version: 3, actions }), {
      version: 3,
      timestamp: 5,
      operation: 'RESTORE',
      userMetadata: 'restore-x',
      added: [
        { path: 'pickup_month=1/a.parquet', rows: 7 },
        { path: 'b.parquet', rows: undefined },
      ],
      removed: ['pickup_month=1/old.parquet'],
    });
  });

  test('a partial failure names what was and was not restored, and that running again finishes it', () => {
    const error = partialFailureMessage('BAD', ['fact_trips'], ['mart_daily_zone', 'dim_zone'], 'files missing');
    assert.match(error.message, /restored: fact_trips; not restored: mart_daily_zone, dim_zone/);
    assert.match(error.hint ?? '', /run the same restore again \(`etl restore --before-run BAD`\)/);
  });
});

describe('a restore in the Runs view', () => {
  const report = {
    run_id: 'restore-20261204T080509Z-0a1b2c', kind: 'restore', status: 'succeeded', before_run: 'transform-bad',
    started_at: '2026-12-04T08:05:09.000000Z', ended_at: '2026-12-04T08:05:30.000000Z', rows_read: 0, rows_kept: 0,
    rows_rejected: 0, rejected_by_rule: {}, months: {}, restored: ['fact_trips', 'dim_zone'], not_restored: [],
    tables: { fact_trips: { from: 2, to: 0, restored_version: 3 }, dim_zone: { from: 1, to: 0, restored_version: 2 } },
  };

  test('its report parses as a quality report and is recognised as a restore', () => {
    const parsed = parseReport(JSON.stringify(report), 'r.json');
    assert.ok('run_id' in parsed && isRestoreReport(parsed));
  });

  test('its row says "Restore before <run>" and what it restored, not "Transform no month · 0 kept"', () => {
    const parsed = parseReport(JSON.stringify(report), 'r.json');
    assert.ok('run_id' in parsed);
    const [row] = joinRuns({ extracts: [], reports: [parsed], dagRuns: [] });
    const labels = runLabels(row, new Date('2026-12-04T12:00:00Z'));
    assert.match(labels.label, /· Restore before transform-bad · 2 tables restored$/);
    assert.match(labels.tooltip, /fact_trips v2 → v0 \(now v3\)/);
    const failed = { ...report, status: 'failed', restored: ['fact_trips'], not_restored: ['dim_zone'] };
    const failedParsed = parseReport(JSON.stringify(failed), 'r.json');
    assert.ok('run_id' in failedParsed);
    const failedRow = joinRuns({ extracts: [], reports: [failedParsed], dagRuns: [] })[0];
    assert.equal(failedRow.state, 'failed');
    assert.match(runLabels(failedRow).tooltip, /not restored: dim_zone/);
  });
});
