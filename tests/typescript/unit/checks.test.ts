import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatCheckTable, isBlocking, parseCheckRun, type CheckResult } from '../../../extension/core/checks/results';
import { checkArgs } from '../../../extension/core/checks/run';
import { checksSection } from '../../../extension/core/runs/checksHtml';
import { describeChecks } from '../../../extension/core/transform/events';

const result = (name: string, status: CheckResult['status'], severity: CheckResult['severity'] = 'error') =>
  ({ name, table: 'fact_trips', severity, status, measured: status === 'skipped' ? null : 0.1,
    bound: '>= 0.5', message: `${name} says why` }) satisfies CheckResult;

describe('etl check', () => {
  test('names each check as its own argument, never shell text', () => {
    assert.deepEqual(checkArgs(), ['-m', 'etl.checks', '--json']);
    assert.deepEqual(checkArgs(['a; rm -rf /', 'b']),
      ['-m', 'etl.checks', '--json', '--only', 'a; rm -rf /', '--only', 'b']);
  });

  test('prints an aligned table, then the message of each check that did not pass', () => {
    const text = formatCheckTable([result('volume', 'fail'), result('key', 'pass'), result('first', 'skipped')]);
    assert.deepEqual(text.split('\n'), [
      'check   table       severity  status   measured  bound',
      'volume  fact_trips  error     fail     0.1       >= 0.5',
      'key     fact_trips  error     pass     0.1       >= 0.5',
      'first   fact_trips  error     skipped            >= 0.5',
      '',
      'volume: fail: volume says why',
      'first: skipped: first says why',
    ]);
  });

  test('only a failed error check blocks', () => {
    assert.equal(isBlocking(result('a', 'fail')), true);
    assert.equal(isBlocking(result('a', 'fail', 'warn')), false);
    assert.equal(isBlocking(result('a', 'skipped')), false);
  });

  test('parses the JSON document and refuses anything else', () => {
    const run = parseCheckRun(JSON.stringify({ bucket: 'gold', checks: [result('a', 'pass')], failed: [] }));
    assert.equal(run.checks[0].name, 'a');
    assert.throws(() => parseCheckRun('{"bucket": "gold"}'), /no "checks" list/);
  });

  test("the transform's checks event in one line", () => {
    assert.equal(describeChecks([result('a', 'pass'), result('b', 'fail', 'warn'), result('c', 'skipped')]),
      'checks: 1 passed, 1 failed (warn: b), 1 skipped');
  });
});

describe('the quality report page', () => {
  test('shows every check and says when they stopped the run, escaped', () => {
    const html = checksSection([result('volume', 'fail'), result('<b>', 'pass')], 'checks', 'check volume failed');
    assert.match(html, /Stopped by checks before any write<\/strong>: check volume failed/);
    assert.match(html, /<td>volume<\/td><td>fact_trips<\/td><td>error<\/td><td>fail<\/td><td>0.1<\/td>/);
    assert.match(html, /<td>&lt;b&gt;<\/td>/);
    assert.equal(checksSection(undefined, undefined, undefined), '');
    assert.doesNotMatch(checksSection([result('a', 'pass')], undefined, undefined), /Stopped/);
  });
});
