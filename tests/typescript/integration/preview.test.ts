import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isUnchanged, type TableDiff } from '../../../extension/core/diff/model';
import { GOLD_TABLE_SPECS } from '../../../extension/core/diff/tables';
import { runExtract } from '../../../extension/core/extract/run';
import type { PreviewDiff } from '../../../extension/core/preview/compare';
import { s3Client } from '../../../extension/core/s3/client';
import { deleteTarget } from '../../../extension/core/s3/delete';
import { listAllKeys } from '../../../extension/core/s3/listing';
import { adminClient } from '../../../extension/core/stack/buckets';
import type { QualityReport } from '../../../extension/core/transform/events';
import { runTransform } from '../../../extension/core/transform/run';
import { ROOT, etl, projectConfig } from '../helpers/cli';

/*
 * `etl preview` as a user runs it (the built CLI) on the stack's warm dev session: the bundled sample extracted
 * and transformed into scratch buckets, then previewed with the working tree and with edited scratch copies of
 * src/ (--code). Gold must never move; the diff must say exactly what the edit does.
 */
const config = projectConfig();
const client = s3Client(config);
const admin = adminClient(config);
const suffix = randomBytes(3).toString('hex');
const buckets = {
  rawzone: `${config.buckets.rawzone}-preview-${suffix}`,
  gold: `${config.buckets.gold}-preview-${suffix}`,
};
const tmp = mkdtempSync(join(tmpdir(), 'preview-test-'));
const env = {
  RAWZONE_BUCKET: buckets.rawzone,
  GOLD_BUCKET: buckets.gold,
  ETL_BACKUP_DIR: join(tmp, 'backup'),
  ETL_LOG_DIR: join(tmp, 'logs'),
};
after(() => rmSync(tmp, { recursive: true, force: true })); // once both suites are done

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
  readonly dir = join(tmp, 'code', 'src');
  private readonly originals = new Map<string, string>();

  constructor() {
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

/** Every key of the gold bucket: a preview writes none. */
const goldKeys = async () => (await listAllKeys(client, buckets.gold, '')).map((e) => e.key).sort();

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

describe('etl preview on the warm dev session, against gold written by a real transform', { timeout: 900_000 }, () => {
  let runId: string;
  let report: QualityReport;
  let pid: number | null;
  let goldBefore: string[];
  let code: ScratchCode;
  let nAtHalfMile = 0; // rows the first edit rejected: the second, stricter edit must reject more

  before(async () => {
    for (const bucket of Object.values(buckets)) await admin.makeBucket(bucket, config.minio.region);
    // Warm before the transform: the transform must get its executors with the session up. The session is the
    // stack's, shared: started only when it is not running (`etl start` waits for the stack's lock).
    pid = await sessionPid();
    if (!pid) {
      const start = await etl(['start', 'spark-connect', '--mode', 'native'], {}, 180_000);
      assert.equal(start.exitCode, 0, start.all);
      pid = await sessionPid();
    }
    assert.ok(pid, 'the dev session is not running after `etl start spark-connect`');
    const extracted = await runExtract(config, { months: '2024-01..2024-02', source: { sample: true }, env });
    runId = extracted.runId;
    // Forced: the same sample may have been transformed before (skipped otherwise).
    report = await runTransform(config, { run: runId, env, force: true });
    goldBefore = await goldKeys();
    code = new ScratchCode();
  });

  after(async () => {
    for (const bucket of Object.values(buckets)) {
      await deleteTarget(client, { bucket, prefix: '' }).catch(() => undefined);
      await admin.removeBucket(bucket).catch(() => undefined);
    }
  });

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
    for (const table of diff.tables) assert.ok(isUnchanged(table), `${table.table} changed: ${JSON.stringify(table)}`);
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
