import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runLabels } from '../../../extension/core/runs/labels';
import { partialRuns, readOrder, throttled } from '../../../extension/core/runs/progress';
import type { QualityReport } from '../../../extension/core/runs/report';
import type { ObjectEntry } from '../../../extension/core/s3/listing';
import { extractRun } from '../helpers/runFixtures';

// The Runs view's first paint before every quality report is read, and the reports merged as they arrive.
const counts = { rows_read: 100, rows_kept: 90, rows_rejected: 10, rejected_by_rule: { duplicate: 10 } };
const report = (id: string, start: string, extractRuns: string[]): QualityReport => ({
  run_id: id,
  status: 'succeeded',
  extract_runs: extractRuns,
  started_at: start,
  ended_at: start.replace(':00Z', ':50Z'),
  ...counts,
  months: { '2024-01': counts },
});
const listed = (runId: string, written: string): ObjectEntry => ({
  key: `_quality/${runId}.json`,
  size: 900,
  lastModified: new Date(written),
});

const extracts = [
  extractRun('e1', '2026-01-01T10:00:00Z'),
  extractRun('e2', '2026-01-02T10:00:00Z'),
  extractRun('e3', '2026-01-03T10:00:00Z'),
];
const t1 = report('t1', '2026-01-01T10:01:00Z', ['e1']);
const t2 = report('t2', '2026-01-02T10:01:00Z', ['e2']);
const alone = report('t9', '2026-01-02T12:00:00Z', ['e1', 'e2']);
const entries = {
  t1: listed('t1', '2026-01-01T10:02:00Z'),
  t2: listed('t2', '2026-01-02T10:02:00Z'),
  t9: listed('t9', '2026-01-02T12:01:00Z'),
};
const shape = (runs: ReturnType<typeof partialRuns>) => runs.map((r) => [r.id, r.transform?.run_id, !!r.reportPending]);

describe('first paint before the reports are read', () => {
  test('the unread reports are read newest first (the top rows fill in first)', () => {
    assert.deepEqual(
      readOrder([entries.t1, entries.t9, entries.t2]).map((e) => e.key),
      ['_quality/t9.json', '_quality/t2.json', '_quality/t1.json'],
    );
  });

  test('the extractions show at once; a row an unread report may belong to says "reading report…"', () => {
    const runs = partialRuns(extracts, [t1], [entries.t2]);
    // e3 started after the newest unread report was written: no unread report can have read it.
    assert.deepEqual(shape(runs), [
      ['e3', undefined, false],
      ['e2', undefined, true],
      ['e1', 't1', false],
    ]);
    assert.match(String(runLabels(runs[1]).description), /^reading report… · .*e2$/);
    assert.doesNotMatch(String(runLabels(runs[0]).description), /reading/);
    assert.deepEqual(runs[1].months, ['2024-01'], 'what the manifest knows shows before the report');
  });

  test('reports merged as they arrive: rows keep their place, each fills in, the hint goes when all are read', () => {
    const unread = readOrder(Object.values(entries));
    const first = partialRuns(extracts, [], unread);
    assert.deepEqual(shape(first), [
      ['e3', undefined, false],
      ['e2', undefined, true],
      ['e1', undefined, true],
    ]);
    const halfway = partialRuns(extracts, [alone, t2], [entries.t1]);
    assert.deepEqual(shape(halfway), [
      ['e3', undefined, false],
      ['t9', 't9', false],
      ['e2', 't2', false],
      ['e1', undefined, true],
    ]);
    const done = partialRuns(extracts, [alone, t2, t1], []);
    assert.deepEqual(shape(done), [
      ['e3', undefined, false],
      ['t9', 't9', false],
      ['e2', 't2', false],
      ['e1', 't1', false],
    ]);
    const ids = (runs: typeof done) => runs.map((r) => r.id).filter((id) => id !== 't9');
    assert.deepEqual(ids(first), ids(done), 'the extraction rows never move');
    assert.deepEqual(done[3].rows, { read: 100, kept: 90, rejected: 10 });
  });

  test('the order reports arrive in does not change the merged rows', () => {
    const a = partialRuns(extracts, [t1, t2, alone], []);
    const b = partialRuns(extracts, [alone, t2, t1], []);
    assert.deepEqual(shape(a), shape(b));
  });
});

describe('repainting while reports arrive', () => {
  test('many reads make one repaint per interval, not one each; cancel drops the one pending', async () => {
    let fired = 0;
    const repaint = throttled(() => fired++, 20);
    for (let i = 0; i < 1000; i++) repaint.poke();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(fired, 1);
    repaint.poke();
    repaint.cancel();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(fired, 1);
  });
});
