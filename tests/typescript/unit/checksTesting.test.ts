import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { newestReportKeys } from '../../../extension/core/checks/lastTransform';
import { checksByTable, locateChecks } from '../../../extension/core/checks/locate';
import type { CheckResult } from '../../../extension/core/checks/results';
import {
  checkProblems,
  describeResult,
  onlyNames,
  outcomesOf,
  reportChecks,
  unlocated,
} from '../../../extension/core/checks/states';
import { joinRuns } from '../../../extension/core/runs/join';
import { stoppedByChecks } from '../../../extension/core/runs/labels';
import type { QualityReport } from '../../../extension/core/runs/report';
import { ROOT } from '../helpers/cli';

const FILE = `# a comment
checks:
  - name: key_unique
    kind: unique
    table: fact_trips
    severity: error
    columns: [trip_key]
  - name: "flag_values"   # quoted
    kind: accepted_values
    table: fact_trips
    severity: warn
    column: store_and_fwd_flag
    values: ["Y", "N"]
  - kind: sql
    name: zone_unique
    table: dim_zone
    severity: error
    query: >
      SELECT 1
`;

const result = (name: string, status: CheckResult['status'], severity: CheckResult['severity'] = 'error') =>
  ({ name, table: 'fact_trips', severity, status, measured: status === 'skipped' ? null : 3, bound: '= 0',
    message: `${name} says why` }) satisfies CheckResult;

describe('config/checks.yaml: each check and its line', () => {
  test('finds every name, table and the 0-based line of its name value', () => {
    const { checks, problems } = locateChecks(FILE);
    assert.deepEqual(problems, []);
    assert.deepEqual(checks.map((c) => [c.name, c.table, c.severity, c.kind, c.range.start.line]), [
      ['key_unique', 'fact_trips', 'error', 'unique', 2],
      ['flag_values', 'fact_trips', 'warn', 'accepted_values', 7],
      ['zone_unique', 'dim_zone', 'error', 'sql', 14],
    ]);
    // The name value itself (quotes included), and the whole entry from its first field to its last.
    assert.deepEqual(checks[0].range, { start: { line: 2, character: 10 }, end: { line: 2, character: 20 } });
    assert.deepEqual(checks[1].range.start, { line: 7, character: 10 });
    assert.equal(checks[1].range.end.character, 23);
    assert.equal(checks[2].entryRange.start.line, 13, 'the entry starts at its first field (kind)');
    assert.ok(checks[2].entryRange.end.line >= 17);
  });

  test('groups them by table in the order the file names each table', () => {
    const groups = checksByTable(locateChecks(FILE).checks);
    assert.deepEqual([...groups.keys()], ['fact_trips', 'dim_zone']);
    assert.deepEqual(groups.get('fact_trips')?.map((c) => c.name), ['key_unique', 'flag_values']);
  });

  test('the shipped file: every check found once, each at a "- name:" line', () => {
    const source = readFileSync(join(ROOT, 'config', 'checks.yaml'), 'utf8');
    const lines = source.split('\n');
    const { checks, problems } = locateChecks(source);
    assert.deepEqual(problems, []);
    const expected = lines.filter((l) => /^\s*- name: /.test(l)).map((l) => l.replace(/^\s*- name: /, '').trim());
    assert.deepEqual(checks.map((c) => c.name), expected);
    for (const check of checks) assert.match(lines[check.range.start.line], new RegExp(`- name: ${check.name}$`));
  });

  test('being edited: a YAML error, an entry without a name, a name given twice are problems, not throws', () => {
    const broken = locateChecks('checks:\n  - name: a\n    table: t\n  - table: u\n  - name: a\n    table: v\n');
    assert.deepEqual(broken.checks.map((c) => c.name), ['a']);
    assert.deepEqual(broken.problems.map((p) => [p.message, p.range.start.line]), [
      ['a check without a name', 3],
      ['check a is named twice (names are unique)', 4],
    ]);
    const invalid = locateChecks('checks:\n  - name: a\n    table: [unclosed\n');
    assert.ok(invalid.problems.length > 0);
    assert.deepEqual(locateChecks('other: 1\n').problems.map((p) => p.message), ['no "checks:" list']);
    assert.deepEqual(locateChecks('').checks, []);
  });
});

describe('check results as Testing view states and Problems', () => {
  test('pass, fail and skipped map to passed, failed and skipped; junk is left out', () => {
    const outcomes = outcomesOf(
      [result('a', 'pass'), result('b', 'fail'), result('c', 'skipped'), { name: 'd' }, null],
    );
    assert.deepEqual([...outcomes.values()].map((o) => [o.name, o.state]),
      [['a', 'passed'], ['b', 'failed'], ['c', 'skipped']]);
  });

  test('the message names severity, measured value, bound and the check\'s own message', () => {
    assert.equal(describeResult(result('b', 'fail')), 'error check failed: measured 3, bound = 0: b says why');
    assert.equal(describeResult({ ...result('c', 'skipped', 'warn'), bound: null }),
      'warn check skipped: measured —: c says why');
  });

  test('a failed error check is an Error at its name, a failed warn check a Warning; passing ones none', () => {
    const { checks } = locateChecks(FILE);
    const outcomes = outcomesOf([result('key_unique', 'fail'), result('flag_values', 'fail', 'warn'),
      result('zone_unique', 'pass'), result('renamed_since', 'fail')]);
    const problems = checkProblems(checks, outcomes);
    assert.deepEqual(problems.map((p) => [p.name, p.severity, p.range.start.line]),
      [['key_unique', 'error', 2], ['flag_values', 'warning', 7]]);
    assert.match(problems[0].message, /^key_unique: error check failed: measured 3, bound = 0/);
    assert.deepEqual(unlocated(checks, outcomes).map((o) => o.name), ['renamed_since']);
    assert.deepEqual(checkProblems(checks, outcomesOf([result('key_unique', 'pass')])), []);
  });

  test('--only names: none when every check is asked, else each asked one in file order', () => {
    const { checks } = locateChecks(FILE);
    assert.deepEqual(onlyNames(checks, ['zone_unique', 'key_unique', 'flag_values']), []);
    assert.deepEqual(onlyNames(checks, ['zone_unique', 'key_unique', 'zone_unique']), ['key_unique', 'zone_unique']);
  });

  test("a report's checks: the results when it has them, undefined for one from before the checks", () => {
    const report = { run_id: 't', checks: [result('a', 'pass'), { bad: 1 }] } as unknown as QualityReport;
    assert.deepEqual(reportChecks(report)?.map((c) => c.name), ['a']);
    assert.equal(reportChecks({ run_id: 'old' } as unknown as QualityReport), undefined);
    assert.equal(reportChecks(undefined), undefined);
  });
});

describe('the last transform', () => {
  test('the newest run report first; latest.json and stray files left out', () => {
    const at = (key: string, minute: number) =>
      ({ key, size: 1, lastModified: new Date(Date.UTC(2026, 0, 1, 0, minute)) });
    const keys = newestReportKeys([at('_quality/t1.json', 1), at('_quality/latest.json', 9), at('_quality/t3.json', 3),
      at('_quality/notes.txt', 8), at('_quality/t2.json', 2)]).map((e) => e.key);
    assert.deepEqual(keys, ['_quality/t3.json', '_quality/t2.json', '_quality/t1.json']);
  });
});

describe('Runs view: stopped by checks is not a crash', () => {
  const base = {
    run_id: 't', status: 'failed', started_at: '2026-01-02T10:00:00Z', ended_at: '2026-01-02T10:01:00Z',
    rows_read: 1, rows_kept: 1, rows_rejected: 0, rejected_by_rule: {}, months: {},
  } as unknown as QualityReport;
  const row = (extra: Record<string, unknown>) =>
    joinRuns({ extracts: [], reports: [{ ...base, ...extra }], dagRuns: [] })[0];

  test('the failed error checks of a stopped run; undefined for a crash or a published run', () => {
    const checks = [result('volume', 'fail'), result('flag', 'fail', 'warn'), result('key', 'pass')];
    assert.deepEqual(stoppedByChecks(row({ stopped_by: 'checks', checks })), ['volume']);
    assert.deepEqual(stoppedByChecks(row({ stopped_by: 'checks' })), []);
    assert.equal(stoppedByChecks(row({ checks })), undefined);
    assert.equal(stoppedByChecks(row({ status: 'succeeded', checks: [result('key', 'pass')] })), undefined);
  });
});
