import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SampleGold } from './published';

/** The publishing transform itself, as the runner of the CLI and the extension saw it: events, progress, report. */
export function transformRunSuite(sample: SampleGold): void {
  describe('the transform through the real etl.submit', () => {
    test('success: the extracted sample becomes gold, with events, Spark progress and the quality report', () => {
      const { report, events, progress } = sample.published();
      assert.equal(report.status, 'succeeded');
      assert.equal(report.manifest_run, sample.extractRun);
      assert.match(report.app_id, /^app-\d{14}-\d{4}$/);
      // The committed sample has 20,000 trips a month; every one is kept or rejected by a named rule.
      assert.equal(report.rows_read, 40_000);
      assert.equal(report.rows_kept + report.rows_rejected, report.rows_read);
      assert.equal(Object.values(report.rejected_by_rule).reduce((a, b) => a + b, 0), report.rows_rejected);
      assert.deepEqual(Object.keys(report.months).sort(), ['2024-01', '2024-02']);
      const kinds = events.map((e) => e.event);
      assert.equal(kinds[0], 'run_start');
      assert.equal(kinds.at(-1), 'run_done');
      assert.ok(events.some((e) => e.event === 'table_written' && e.table === 'fact_trips'), kinds.join(','));
      // Progress came from the driver's REST API while the job ran.
      const last = progress.at(-1);
      assert.ok(last && last.stagesDone > 0, `stage progress: ${JSON.stringify(last)}`);
    });
  });
}
