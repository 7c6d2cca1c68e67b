import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffReports, previousReport } from '../../../extension/core/runs/diff';
import { joinRuns, previousWithReport, type DagRunRecord } from '../../../extension/core/runs/join';
import { durationLabel, monthsLabel, runLabels, whenLabel } from '../../../extension/core/runs/labels';
import { parseReport, type QualityReport } from '../../../extension/core/runs/report';
import { escapeHtml, reportPage } from '../../../extension/core/runs/reportHtml';
import { rerunPlan } from '../../../extension/core/runs/rerun';
import { extractRun } from '../helpers/runFixtures';

const report = (
  id: string,
  start: string,
  extractRuns: string[] | undefined,
  extra: Partial<QualityReport> = {},
): QualityReport => ({
  run_id: id,
  status: 'succeeded',
  app_id: `app-${id}`,
  manifest_run: null,
  extract_runs: extractRuns,
  started_at: start,
  ended_at: start.replace(':00Z', ':50Z'),
  rows_read: 100,
  rows_kept: 90,
  rows_rejected: 10,
  rejected_by_rule: { duplicate: 4, zero_duration: 6 },
  months: {
    '2024-01': {
      rows_read: 100,
      rows_kept: 90,
      rows_rejected: 10,
      rejected_by_rule: { duplicate: 4, zero_duration: 6 },
    },
  },
  ...extra,
});
const dag = (id: string, start: string, state = 'success', extra: Partial<DagRunRecord> = {}): DagRunRecord => ({
  dagId: 'etl_pipeline',
  dagRunId: id,
  state,
  startedAt: start,
  endedAt: start.replace(':00Z', ':59Z'),
  conf: { month: '2024-03' },
  ...extra,
});

describe('joining runs', () => {
  test('an extraction and the transform that read it are one row; newest first', () => {
    const runs = joinRuns({
      extracts: [extractRun('e1', '2026-01-01T10:00:00Z'), extractRun('e2', '2026-01-02T10:00:00Z')],
      reports: [report('t1', '2026-01-01T10:01:00Z', ['e1'])],
      dagRuns: [],
    });
    assert.deepEqual(
      runs.map((r) => [r.id, r.transform?.run_id]),
      [
        ['e2', undefined],
        ['e1', 't1'],
      ],
    );
    assert.deepEqual(runs[1].rows, { read: 100, kept: 90, rejected: 10 });
    assert.equal(runs[1].endedAt, '2026-01-01T10:01:50Z');
    assert.equal(runs[1].durationMs, 110_000);
  });

  test('a transform of every run joins the newest extraction it read; a second transform has its own row', () => {
    const runs = joinRuns({
      extracts: [extractRun('e1', '2026-01-01T10:00:00Z'), extractRun('e2', '2026-01-02T10:00:00Z')],
      reports: [report('t1', '2026-01-02T10:01:00Z', ['e1', 'e2']), report('t2', '2026-01-03T10:00:00Z', ['e1', 'e2'])],
      dagRuns: [],
    });
    assert.deepEqual(
      runs.map((r) => [r.id, r.transform?.run_id, r.consumes]),
      [
        ['t2', 't2', ['e1', 'e2']],
        ['e2', 't1', []],
        ['e1', undefined, []],
      ],
    );
  });

  test('an old report without extract_runs joins through manifest_run', () => {
    const old = report('t1', '2026-01-01T10:01:00Z', undefined, { manifest_run: 'e1' });
    const runs = joinRuns({ extracts: [extractRun('e1', '2026-01-01T10:00:00Z')], reports: [old], dagRuns: [] });
    assert.equal(runs.length, 1);
    assert.equal(runs[0].transform?.run_id, 't1');
  });

  test('a DAG run joins its transform, or its extraction through the XCom run id, else stands alone', () => {
    const runs = joinRuns({
      extracts: [extractRun('e1', '2026-01-01T10:00:00Z'), extractRun('e2', '2026-01-02T10:00:00Z', 'failed')],
      reports: [
        report('t1', '2026-01-01T10:01:00Z', ['e1'], { airflow: { dag_id: 'etl_pipeline', dag_run_id: 'd1' } }),
      ],
      dagRuns: [
        dag('d1', '2026-01-01T09:59:00Z'),
        dag('d2', '2026-01-02T09:59:00Z', 'failed', { extractRunId: 'e2' }),
        dag('d3', '2026-01-03T09:59:00Z', 'running'),
      ],
    });
    assert.deepEqual(
      runs.map((r) => [r.id, r.dagRun?.dagRunId, r.state]),
      [
        ['d3', 'd3', 'running'],
        ['e2', 'd2', 'failed'],
        ['e1', 'd1', 'succeeded'],
      ],
    );
    assert.equal(runs[0].endedAt, null, 'a running run has no end');
    assert.deepEqual(runs[2].months, ['2024-01', '2024-03']);
    assert.equal(runs[2].startedAt, '2026-01-01T09:59:00Z');
  });

  test('the previous run with a report is what Compare compares with', () => {
    const runs = joinRuns({
      extracts: [
        extractRun('e1', '2026-01-01T10:00:00Z'),
        extractRun('e2', '2026-01-02T10:00:00Z'),
        extractRun('e3', '2026-01-03T10:00:00Z'),
      ],
      reports: [report('t1', '2026-01-01T10:01:00Z', ['e1']), report('t3', '2026-01-03T10:01:00Z', ['e3'])],
      dagRuns: [],
    });
    assert.equal(previousWithReport(runs, 'e3')?.id, 'e1');
    assert.equal(previousWithReport(runs, 'e1'), undefined);
  });
});

describe('diffing reports', () => {
  test('totals, per rule (largest change first, rules of either run) and per month', () => {
    const before = report('t1', '2026-01-01T10:00:00Z', ['e1']);
    const after = report('t2', '2026-01-02T10:00:00Z', ['e2'], {
      rows_read: 120,
      rows_kept: 100,
      rows_rejected: 20,
      rejected_by_rule: { duplicate: 4, zero_duration: 6, absurd_speed: 10 },
      months: { '2024-02': { rows_read: 120, rows_kept: 100, rows_rejected: 20, rejected_by_rule: {} } },
    });
    const diff = diffReports(after, before);
    assert.deepEqual(
      diff.totals.map((d) => d.delta),
      [20, 10, 10],
    );
    assert.deepEqual(
      diff.rules.map((d) => [d.name, d.delta]),
      [
        ['absurd_speed', 10],
        ['duplicate', 0],
        ['zero_duration', 0],
      ],
    );
    assert.deepEqual(
      diff.months.map((m) => [m.month, m.read.delta]),
      [
        ['2024-01', -100],
        ['2024-02', 120],
      ],
    );
    assert.equal(previousReport([after, before], 't2')?.run_id, 't1');
  });

  test('a report with extra fields (phase durations) still parses; a broken one says why', () => {
    const text = JSON.stringify({ ...report('t1', '2026-01-01T10:00:00Z', []), phases: { read_s: 1.2 } });
    const parsed = parseReport(text, 'x');
    assert.ok('run_id' in parsed && parsed.phases);
    assert.match(
      (parseReport('{"run_id": 3}', 'gold/_quality/a.json') as { error: string }).error,
      /a\.json is not a quality report/,
    );
    assert.match((parseReport('{', 'b.json') as { error: string }).error, /b\.json is not valid JSON/);
  });
});

describe('labels for people', () => {
  const now = new Date(2026, 0, 2, 15, 0);
  test('when, months and duration', () => {
    assert.equal(whenLabel(new Date(2026, 0, 2, 9, 5).toISOString(), now), 'today 09:05');
    assert.equal(whenLabel(new Date(2026, 0, 1, 23, 59).toISOString(), now), 'yesterday 23:59');
    assert.equal(whenLabel(new Date(2025, 2, 3, 7, 0).toISOString(), now), 'Mar 3 2025 07:00');
    assert.equal(monthsLabel(['2023-12', '2024-01', '2024-02']), '2023-12–2024-02');
    assert.equal(monthsLabel(['2024-01', '2024-03']), '2024-01, 2024-03');
    assert.equal(durationLabel(65_000), '1 min 05 s');
    assert.equal(durationLabel(1_500), '1.5 s');
  });

  test('the row says when, what and the outcome; the run id is in the description and tooltip only', () => {
    const [run] = joinRuns({
      extracts: [extractRun('e1', '2026-01-02T10:00:00Z')],
      reports: [report('t1', '2026-01-02T10:01:00Z', ['e1'])],
      dagRuns: [],
    });
    const labels = runLabels(run, new Date('2026-01-02T18:00:00Z'));
    assert.match(labels.label, /^today \d\d:\d\d · Pipeline 2024-01 · 90 kept, 10 rejected$/);
    assert.doesNotMatch(labels.label, /e1|t1/);
    assert.match(labels.description, /e1$/);
    assert.match(labels.tooltip, /transform run t1 \(Spark app-t1\)/);
  });

  test('a run stopped by an error check says so and names the check, not just "failed"', () => {
    const checks = [{ name: 'volume', table: 'fact_trips', severity: 'error', status: 'fail' },
      { name: 'flag', table: 'fact_trips', severity: 'warn', status: 'fail' }];
    const stopped = report('t2', '2026-01-02T11:00:00Z', [], { status: 'failed', stopped_by: 'checks', checks });
    const crashed = report('t3', '2026-01-02T12:00:00Z', [], { status: 'failed' });
    // newest first
    const [crashedRow, stoppedRow] = joinRuns({ extracts: [], reports: [stopped, crashed], dagRuns: [] });
    const now = new Date('2026-01-02T18:00:00Z');
    assert.match(runLabels(stoppedRow, now).label, / · stopped by checks: volume$/);
    assert.match(runLabels(crashedRow, now).label, / · failed$/);
  });
});

describe('quality report page', () => {
  test('escapes report values, has a nonce CSP and loads nothing from outside', () => {
    const evil = report('<img src=x onerror=alert(1)>', '2026-01-01T10:00:00Z', []);
    const page = reportPage(evil, {
      nonce: 'abc', cspSource: 'vscode-resource:', media: (file) => `vscode-resource:/media/${file}`, others: [],
    });
    assert.ok(!page.includes('<img'));
    assert.match(page, /default-src 'none'; .*script-src 'nonce-abc'/);
    assert.doesNotMatch(page, /https?:\/\//);
    assert.equal(escapeHtml('"<&>\''), '&quot;&lt;&amp;&gt;&#39;');
  });

  test('with a diff: deltas highlighted, the previous run as second bar and in the picker', () => {
    const before = report('t1', '2026-01-01T10:00:00Z', []);
    const after = report('t2', '2026-01-02T10:00:00Z', [], {
      rejected_by_rule: { duplicate: 9, zero_duration: 6 },
      rows_rejected: 15,
    });
    const page = reportPage(after, {
      nonce: 'n',
      cspSource: 'c',
      media: (file) => file,
      diff: diffReports(after, before),
      others: [['t1', 'first run']],
    });
    assert.match(page, /class="num delta worse" aria-label="change \+5">\+5</);
    assert.match(page, /class="bar previous"/);
    assert.match(page, /<option value="t1" selected>first run<\/option>/);
    assert.match(page, /tr tabindex="0" class="rule changed"><th scope="row"><code>duplicate/);
  });
});

describe('re-run', () => {
  test('the same months and source, the same way', () => {
    const sample = {
      ...extractRun('e1', '2026-01-01T10:00:00Z', 'succeeded', ['2024-01', '2024-02']),
      source_template: 'file:///home/u/etl/Data_extracted/yellow_tripdata_{YYYY}-{MM}.parquet',
    };
    const [pipeline] = joinRuns({
      extracts: [sample],
      reports: [report('t1', '2026-01-01T10:01:00Z', ['e1'])],
      dagRuns: [],
    });
    assert.deepEqual(rerunPlan(pipeline), {
      kind: 'steps',
      extract: { months: '2024-01,2024-02', source: { sample: true } },
      transform: true,
    });
    const [tlc] = joinRuns({ extracts: [extractRun('e2', '2026-01-01T10:00:00Z')], reports: [], dagRuns: [] });
    assert.deepEqual(rerunPlan(tlc), {
      kind: 'steps',
      extract: { months: '2024-01', source: { template: 'file:///x/{YYYY}-{MM}' } },
      transform: false,
    });
    const [dagRow] = joinRuns({
      extracts: [],
      reports: [],
      dagRuns: [dag('d1', '2026-01-01T10:00:00Z', 'failed', { conf: { month: '2024-03', source: 'sample' } })],
    });
    assert.deepEqual(rerunPlan(dagRow), { kind: 'dag', request: { month: '2024-03', source: 'sample' } });
    const [alone] = joinRuns({ extracts: [], reports: [report('t9', '2026-01-01T10:01:00Z', ['gone'])], dagRuns: [] });
    assert.deepEqual(rerunPlan(alone), { kind: 'steps', transform: true, transformRun: 'gone' });
  });
});
