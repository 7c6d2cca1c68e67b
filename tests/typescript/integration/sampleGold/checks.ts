import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import type { CheckResult, CheckRun } from '../../../../extension/core/checks/results';
import { readObject } from '../../../../extension/core/s3/read';
import { ROOT, etl } from '../../helpers/cli';
import type { SampleGold } from './published';

const SAMPLE_MONTH_ROWS_KEPT = 19_600; // docs/data-model.md: the committed sample keeps 19,600 trips a month
/** The names of the shipped checks, in the file's order. */
const shippedChecks = [...readFileSync(join(ROOT, 'config', 'checks.yaml'), 'utf8').matchAll(/^ {2}- name: (\S+)$/gm)]
  .map((match) => match[1]);

/**
 * The checks of config/checks.yaml on the real stack: the published sample passed them and `etl check` passes on
 * it; then a run whose February is generated at a tenth of the rows is stopped by row_count before any write.
 */
export function checksSuite(sample: SampleGold): void {
  const { client } = sample;
  const { suffix, gold, env } = sample.scratch;
  const goodRun = sample.transformRun;
  const badRun = `transform-checks-bad-${suffix}`;
  const badExtract = `extract-checks-bad-${suffix}`;
  const readJson = async <T>(key: string): Promise<T> =>
    JSON.parse((await readObject(client, gold, key)).toString()) as T;

  describe('data-quality checks', () => {
    let goodState: Awaited<ReturnType<SampleGold['goldState']>>;

    before(async () => {
      goodState = await sample.goldState();
    });

    test("the publishing run passed every check, and its report records each one", async () => {
      const { checks } = sample.published().report as { checks?: CheckResult[] };
      assert.deepEqual(checks?.map((r) => [r.name, r.status]), shippedChecks.map((name) => [name, 'pass']));
      const report = await readJson<{ run_id: string; checks: CheckResult[] }>('_quality/latest.json');
      assert.equal(report.run_id, goodRun);
      assert.deepEqual(report.checks.map((r) => [r.name, r.status]), shippedChecks.map((name) => [name, 'pass']));
    });

    test('etl check on the good gold passes (exit 0) and lists every shipped check', async () => {
      const json = await etl(['check', '--json'], env);
      assert.equal(json.exitCode, 0, json.all);
      const run = JSON.parse(json.stdout) as CheckRun;
      assert.deepEqual(run.checks.map((r) => [r.name, r.status]), shippedChecks.map((name) => [name, 'pass']));
      const volume = run.checks.find((r) => r.name === 'fact_trips_month_volume')!;
      assert.deepEqual([volume.measured, volume.bound], [1, '>= 0.5 and <= 2.0']); // February / January of the sample
      const table = await etl(['check', '--only', 'fact_trips_key_unique'], env);
      assert.equal(table.exitCode, 0, table.all);
      assert.deepEqual(table.stdout.trim().split('\n').map((line) => line.split(/\s+/)), [
        ['check', 'table', 'severity', 'status', 'measured', 'bound'],
        ['fact_trips_key_unique', 'fact_trips', 'error', 'pass', '0', '=', '0'],
      ]);
      const unknown = await etl(['check', '--only', 'no_such_check'], env);
      assert.equal(unknown.exitCode, 2, unknown.all);
      assert.match(unknown.stderr, /no check named no_such_check in .*checks\.yaml/);
    });

    test('a February cut to a tenth fails row_count: exit 1, nothing written, the report has each result', async () => {
      await sample.extractGeneratedMonth('2024-02', badExtract, 'checks-bad');

      const bad = await etl(['transform', '--run', badExtract, '--run-id', badRun], env, 600_000);
      assert.equal(bad.exitCode, 1, bad.all);
      const report = await readJson<{ status: string; stopped_by: string; tables: object; checks: CheckResult[];
        months: Record<string, { rows_kept: number }> }>(`_quality/${badRun}.json`);
      const ratio = Math.round((report.months['2024-02'].rows_kept / SAMPLE_MONTH_ROWS_KEPT) * 10_000) / 10_000;
      assert.ok(ratio > 0.05 && ratio < 0.15, `February kept ${report.months['2024-02'].rows_kept} rows`);
      assert.match(bad.stderr, new RegExp(`check fact_trips_month_volume \\(fact_trips\\) failed: measured ${ratio}, ` +
        'bound >= 0.5 and <= 2.0: 2024-02: \\d+ rows'));
      assert.match(bad.stderr, /nothing was written/);
      assert.deepEqual(await sample.goldState(), goodState);
      assert.deepEqual([report.status, report.stopped_by, report.tables], ['failed', 'checks', {}]);
      assert.deepEqual(report.checks.map((r) => r.name), shippedChecks);
      assert.deepEqual(report.checks.filter((r) => r.status !== 'pass').map((r) => [r.name, r.status, r.measured]),
        [['fact_trips_month_volume', 'fail', ratio]]);
      const latest = await readJson<{ run_id: string }>('_quality/latest.json');
      assert.equal(latest.run_id, goodRun, 'latest.json stays the last published run');
    });
  });
}
