import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { isUnchanged, type TableDiff } from '../../../../extension/core/diff/model';
import { GOLD_TABLE_SPECS } from '../../../../extension/core/diff/tables';
import type { PreviewDiff } from '../../../../extension/core/preview/compare';
import { listAllKeys } from '../../../../extension/core/s3/listing';
import type { QualityReport } from '../../../../extension/core/transform/events';
import { ROOT, etl } from '../../helpers/cli';
import type { SampleGold } from './published';

/*
 * `etl preview` as a user runs it (the built CLI) on the stack's warm dev session, against the published sample:
 * previewed with the working tree and with edited scratch copies of src/ (--code). Gold must never move; the diff
 * must say exactly what the edit does. The dev session is warmed before the publish (warmDevSession): the
 * publishing transform must get its executors with the session up.
 */
const RULE = 'non_positive_distance';
// The rule's test as rules.py has it: the tests edit it on the rule's line.
const RULE_TEST = 'F.col("trip_distance") <= 0)';

interface StatusJson {
  services: { name: string; state: string; pid: number | null }[];
}

async function sessionPid(extra: Record<string, string> = {}): Promise<number | null> {
  const status = await etl(['status', '--json', '--mode', 'native'], extra);
  assert.equal(status.exitCode, 0, status.all);
  const session = (JSON.parse(status.stdout) as StatusJson).services.find((s) => s.name === 'spark-connect');
  assert.ok(session, `no spark-connect in etl status: ${status.stdout}`);
  return session.state === 'running' ? session.pid : null;
}

/** A scratch copy of src/ (what --code takes: the folder holding the `etl` package), without bytecode. */
class ScratchCode {
  readonly dir: string;
  private readonly originals = new Map<string, string>();

  constructor(tmp: string) {
    // Not tmp/code: the schema edit suite's copy of src/ is there.
    this.dir = join(tmp, 'preview-code', 'src');
    cpSync(join(ROOT, 'src'), this.dir, { recursive: true, filter: (path) => !path.includes('__pycache__') });
  }

  /**
   * Replaces `from` by `to` on the one line of the original `file` (under etl/) that holds `from` and `near`;
   * every edit starts from the original file. Returns the edited line's number (1-based).
   */
  edit(file: string, from: string, to: string, near = from): number {
    const path = join(this.dir, 'etl', file);
    const original = this.originals.get(path) ?? readFileSync(path, 'utf8');
    this.originals.set(path, original);
    const lines = original.split('\n');
    const hits = lines.flatMap((line, i) => (line.includes(from) && line.includes(near) ? [i] : []));
    assert.equal(hits.length, 1, `${file}: expected one line with ${JSON.stringify(from)} and ${JSON.stringify(near)}`);
    lines[hits[0]] = lines[hits[0]].replace(from, to);
    writeFileSync(path, lines.join('\n'));
    return hits[0] + 1;
  }

  restore(file: string): void {
    const path = join(this.dir, 'etl', file);
    const original = this.originals.get(path);
    if (original !== undefined) writeFileSync(path, original);
  }
}

/** Each gold table's Delta version, from its commit files (`_delta_log/<version>.json`). */
function deltaVersions(keys: string[]): Record<string, number> {
  return Object.fromEntries(GOLD_TABLE_SPECS.map((spec) => {
    const commits = keys.filter((key) => new RegExp(`^${spec.table}/_delta_log/\\d{20}\\.json$`).test(key));
    return [spec.table, commits.length - 1];
  }));
}

const tableOf = (diff: PreviewDiff, table: string): TableDiff => {
  const found = diff.tables.find((t) => t.table === table);
  assert.ok(found, `no ${table} in the preview's diff: ${diff.tables.map((t) => t.table).join(', ')}`);
  return found;
};

/** How a CLI run ended, for an assertion's message (a signal or a timeout leaves no exit code). */
const outcome = (result: Awaited<ReturnType<typeof etl>>) =>
  `exit ${result.exitCode}, signal ${result.signal ?? 'none'}${result.timedOut ? ', timed out' : ''}:\n${result.all}`;

const summary = (diff: PreviewDiff) =>
  diff.tables.map((t) => `${t.table} +${t.added} -${t.removed} ~${t.changed}`).join('; ');

/** The stack's dev session, started (when it is not running) before the sample is published; its pid. */
export async function warmDevSession(): Promise<number> {
  // The session is the stack's, shared: started only when it is not running (`etl start` waits for the stack's lock).
  let pid = await sessionPid();
  if (!pid) {
    const start = await etl(['start', 'spark-connect', '--mode', 'native'], {}, 180_000);
    assert.equal(start.exitCode, 0, start.all);
    pid = await sessionPid();
  }
  assert.ok(pid, 'the dev session is not running after `etl start spark-connect`');
  return pid;
}

/** Second: previews of the published extraction (they write nothing, so the later suites see gold as published). */
export function previewSuite(sample: SampleGold, devSession: () => number | undefined): void {
  const { client, config } = sample;
  const { env, gold, tmp } = sample.scratch;
  const runId = sample.extractRun;
  /** Every key of the gold bucket: a preview writes none. */
  const goldKeys = async () => (await listAllKeys(client, gold, '')).map((e) => e.key).sort();
  let report: QualityReport;
  let pid: number | undefined;
  let goldBefore: string[];
  let code: ScratchCode;
  let nAtHalfMile = 0; // rows the first edit rejected: the second, stricter edit must reject more

  async function preview(codeDir?: string): Promise<PreviewDiff> {
    const args = ['preview', '--run', runId, '--json', ...(codeDir ? ['--code', codeDir] : [])];
    const started = Date.now();
    const result = await etl(args, env);
    assert.equal(result.exitCode, 0, result.all);
    const diff = JSON.parse(result.stdout) as PreviewDiff;
    process.stdout.write(`# preview ${codeDir ? 'of the scratch copy' : 'of the working tree'}: ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s (${diff.preview.seconds} s in the session)\n`);
    return diff;
  }

  describe('etl preview on the warm dev session, against the published sample', () => {
    before(async () => {
      report = sample.published().report;
      pid = devSession();
      goldBefore = await goldKeys();
      code = new ScratchCode(tmp);
    });

    test('a real transform started while the dev session is warm gets both workers and succeeds', async () => {
      assert.equal(report.status, 'succeeded');
      assert.equal(report.rows_read, 40_000); // the sample's two months
      const master = (await (await fetch(`http://${config.bindHost}:${config.spark.masterUiPort}/json/`)).json()) as {
        cores: number;
        activeapps: { id: string; name: string }[];
        completedapps: { id: string; name: string; cores: number }[];
      };
      const app = master.completedapps.find((a) => a.id === report.app_id);
      assert.ok(app, `${report.app_id} is not among the master's completed applications`);
      // Local mode: the session holds none of the workers' cores, so the transform was granted all of them.
      assert.equal(app.cores, master.cores, `the transform got ${app.cores} of the cluster's ${master.cores} cores`);
      assert.ok(![...master.activeapps, ...master.completedapps].some((a) => a.name === 'etl-dev-session'));
      assert.equal(await sessionPid(), pid, 'the dev session was restarted during the transform');
    });

    test('the unedited working tree previews with no change in any table, and gold keeps its versions', async () => {
      const diff = await preview();
      assert.deepEqual(diff.preview.months, ['2024-01', '2024-02']);
      assert.deepEqual(diff.tables.map((t) => t.table).sort(), GOLD_TABLE_SPECS.map((s) => s.table).sort());
      for (const table of diff.tables)
        assert.ok(isUnchanged(table), `${table.table} changed: ${JSON.stringify(table)}`);
      const fact = tableOf(diff, 'fact_trips');
      assert.equal(fact.rowsAfter, report.rows_kept);
      assert.equal(tableOf(diff, 'quarantine/rejected_trips').rowsAfter, report.rows_rejected);
      // The versions the diff read are gold's current ones, and gold is as the transform left it.
      assert.deepEqual(diff.goldVersions, deltaVersions(goldBefore));
      assert.deepEqual(await goldKeys(), goldBefore);
    });

    test(`a stricter ${RULE} in a scratch copy: its rows leave fact_trips for the quarantine, nothing else ` +
      'moves, gold is untouched', async () => {
      code.edit('transform/rules.py', RULE_TEST, 'F.col("trip_distance") <= 0.5)', RULE);
      const diff = await preview(code.dir);
      process.stdout.write(`# ${RULE} <= 0.5: ${summary(diff)}\n`);
      const quarantine = tableOf(diff, 'quarantine/rejected_trips');
      const group = quarantine.groups?.find((g) => g.value === RULE);
      assert.ok(group, `no ${RULE} group: ${JSON.stringify(quarantine.groups)}`);
      const n = group.added;
      assert.ok(n > 0, `the edit rejected no more rows: ${JSON.stringify(group)}`);
      assert.equal(group.removed, 0);
      // A row is rejected by the first rule it fails: rows of later rules (absurd_speed, duplicate …) with a
      // short distance move to this rule; the others leave fact_trips. Nothing else enters the quarantine.
      const others = (quarantine.groups ?? []).filter((g) => g.value !== RULE);
      for (const other of others) assert.equal(other.added, 0, `rows added to ${other.value}`);
      const moved = others.reduce((sum, g) => sum + g.removed, 0);
      const fact = tableOf(diff, 'fact_trips');
      process.stdout.write(`# N = ${n} rows newly rejected, ${fact.removed} of them from fact_trips, ${moved} from ` +
        'other rules\n');
      assert.equal(fact.removed, n - moved);
      assert.deepEqual([fact.added, fact.changed], [0, 0]);
      assert.equal(fact.rowsAfter, fact.rowsBefore - fact.removed);
      assert.equal(quarantine.rowsAfter, quarantine.rowsBefore + fact.removed);
      for (const table of diff.tables.filter((t) => t.table.startsWith('dim_')))
        assert.ok(isUnchanged(table), `${table.table} changed: ${JSON.stringify(table)}`);
      assert.deepEqual(diff.goldVersions, deltaVersions(goldBefore));
      assert.deepEqual(await goldKeys(), goldBefore, 'the preview wrote to gold');
      nAtHalfMile = n;
    });

    test('a second edit is picked up by the same session, without a restart', async () => {
      assert.ok(nAtHalfMile > 0, 'needs the previous test');
      code.edit('transform/rules.py', RULE_TEST, 'F.col("trip_distance") <= 1.0)', RULE);
      const diff = await preview(code.dir);
      const group = tableOf(diff, 'quarantine/rejected_trips').groups?.find((g) => g.value === RULE);
      process.stdout.write(`# ${RULE} <= 1.0: ${group?.added} rows newly rejected (<= 0.5: ${nAtHalfMile})\n`);
      assert.ok(group && group.added > nAtHalfMile, `added: ${JSON.stringify(group)}`);
      assert.equal(await sessionPid(), pid, 'the dev session was restarted');
      code.restore('transform/rules.py');
    });

    test("the edited code's errors name its file and line: a wrong column in a rule, a syntax error", async () => {
      const ruleLine = code.edit('transform/rules.py', RULE_TEST, 'F.col("trip_distanc") <= 0)', RULE);
      const column = await etl(['preview', '--run', runId, '--code', code.dir, '--json'], env);
      assert.equal(column.exitCode, 1, outcome(column));
      assert.equal(column.stdout, '', 'no diff for a failed preview');
      assert.ok(column.stderr.includes(`${join(code.dir, 'etl/transform/rules.py')}:${ruleLine}:`), column.stderr);
      assert.match(column.stderr, /trip_distanc/);
      code.restore('transform/rules.py');

      const modelLine = code.edit('transform/model.py', 'def kept(classified: DataFrame) -> DataFrame:',
        'def kept(classified: DataFrame) -> DataFrame');
      const syntax = await etl(['preview', '--run', runId, '--code', code.dir, '--json'], env);
      assert.equal(syntax.exitCode, 1, outcome(syntax));
      assert.ok(syntax.stderr.includes(`${join(code.dir, 'etl/transform/model.py')}:${modelLine}:`), syntax.stderr);
      assert.match(syntax.stderr, /SyntaxError/);
      code.restore('transform/model.py');
      assert.deepEqual(await goldKeys(), goldBefore);
      assert.equal(await sessionPid(), pid, 'a failed preview restarted the dev session');
    });
  });
}
