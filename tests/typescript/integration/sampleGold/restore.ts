import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { before, describe, test } from 'node:test';
import { execa } from 'execa';
import { readDeltaTable } from '../../../../extension/core/gold/deltaLog';
import { listGoldTables } from '../../../../extension/core/gold/tables';
import { readRestoreLog } from '../../../../extension/core/restore/load';
import { filesAt, planRestore, restoreSteps } from '../../../../extension/core/restore/plan';
import { readObject } from '../../../../extension/core/s3/read';
import { ROOT, etl } from '../../helpers/cli';
import type { SampleGold } from './published';

type GoldState = Awaited<ReturnType<SampleGold['goldState']>>;

const rowsOf = (state: GoldState) => Object.fromEntries(Object.entries(state).map(([table, s]) => [table, s.rows]));

async function python(): Promise<string> {
  const which = await etl(['which', 'python']);
  assert.equal(which.exitCode, 0, which.all);
  return which.stdout.trim();
}

/**
 * etl restore on the published sample: a "bad" run (a small generated January) replaces January; restoring before
 * the bad run brings every table's rows back. One bad run serves every case: the lock refusal, a partial failure (a
 * data file the restore needs moved aside), and the rerun that finishes the job.
 */
export function restoreSuite(sample: SampleGold): void {
  const { client } = sample;
  const { suffix, gold, env } = sample.scratch;
  const goodRun = sample.transformRun;
  const badRun = `transform-restore-bad-${suffix}`;
  const badExtract = `extract-restore-bad-${suffix}`;

  describe('etl restore --before-run', () => {
    let goodRows: Record<string, number | undefined>;
    let badState: GoldState;

    before(async () => {
      goodRows = rowsOf(await sample.goldState());
      // The bad run: 2,000 generated January trips (another seed) replace the sample's 20,000.
      await sample.extractGeneratedMonth('2024-01', badExtract, 'restore-bad');
      const bad = await etl(['transform', '--run', badExtract, '--run-id', badRun], env, 600_000);
      assert.equal(bad.exitCode, 0, bad.all);
      badState = await sample.goldState();
      assert.ok(Object.values(badState).every((s) => s.rows !== undefined), 'every table has row stats');
      assert.ok(badState['fact_trips/'].rows! < goodRows['fact_trips/']!, JSON.stringify({ goodRows, badState }));
    });

    test('an unknown run id is refused, naming it and the runs that wrote gold', async () => {
      const result = await etl(['restore', '--before-run', `transform-nope-${suffix}`], env);
      assert.equal(result.exitCode, 1, result.all);
      assert.match(result.stderr, new RegExp(`no run 'transform-nope-${suffix}' is known`));
      assert.match(result.stderr, new RegExp(`runs that wrote gold, newest first: ${badRun}, ${goodRun}`));
    });

    test('--dry-run prints each table, version and rows now → then, and changes nothing', async () => {
      const result = await etl(['restore', '--before-run', badRun, '--dry-run'], env);
      assert.equal(result.exitCode, 0, result.all);
      const fact = badState['fact_trips/'];
      const then = goodRows['fact_trips/']!.toLocaleString('en-US');
      assert.match(
        result.stdout,
        new RegExp(`fact_trips: v${fact.version} → v${fact.version - 1} ` +
          `\\(rows ${fact.rows!.toLocaleString('en-US')} ` +
          `now → ${then} then\\)`),
      );
      assert.deepEqual(await sample.goldState(), badState);
    });

    test('while the transform lock is held, restore refuses at once and changes nothing', async () => {
      // The lock a transform takes (src/etl/transform/lock.py), held by another process as a running transform would.
      const holder = execa(await python(), ['-c', [
        'import fcntl, sys',
        'from etl.extract.locks import lock_path',
        `path = lock_path("transform-gold-${gold}")`,
        'path.parent.mkdir(parents=True, exist_ok=True)',
        'handle = open(path, "a+")',
        'fcntl.flock(handle, fcntl.LOCK_EX)',
        'print("held", flush=True)',
        'sys.stdin.read()',
      ].join('\n')], { cwd: ROOT, env: { ...env, PYTHONPATH: join(ROOT, 'src') }, reject: false });
      try {
        await new Promise<void>((resolve, reject) => {
          createInterface({ input: holder.stdout! }).on('line', (line) => line === 'held' && resolve());
          void holder.then((r) => reject(new Error(`the lock holder ended: ${r.stderr}`)));
        });
        const result = await etl(['restore', '--before-run', badRun], env);
        assert.equal(result.exitCode, 1, result.all);
        assert.match(result.stderr, new RegExp(`cannot restore now: another transform or a restore is writing the ` +
          `gold bucket '${gold}'`));
        assert.match(result.stderr, /nothing was restored/);
      } finally {
        holder.kill();
        await holder;
      }
      assert.deepEqual(await sample.goldState(), badState);
    });

    test('a table failing half-way: the message names restored and not restored; running again finishes', async (t) => {
      const roots = (await listGoldTables(client, gold)).map((t) => t.root);
      const tables = await Promise.all(roots.map((root) => readRestoreLog(client, gold, root)));
      const steps = restoreSteps(planRestore(badRun, tables));
      assert.ok(steps.length >= 2, JSON.stringify(steps));
      // The second table's restore fails for real: a data file its target version needs is moved aside.
      const [first, victim] = steps;
      const log = tables.find((t) => t.table === victim.table)!;
      const current = filesAt(log.commits, victim.from)!;
      const needed = [...filesAt(log.commits, victim.to)!.keys()].find((path) => !current.has(path));
      assert.ok(needed, `no file of ${victim.table} v${victim.to} left its current version`);
      const key = `${victim.table}/${needed}`;
      const data = await readObject(client, gold, key);
      await client.removeObject(gold, key);
      const partialId = `restore-partial-${suffix}`;
      let partial;
      try {
        partial = await etl(['restore', '--before-run', badRun, '--run-id', partialId], env);
      } finally {
        await client.putObject(gold, key, data);
      }
      assert.equal(partial.exitCode, 1, partial.all);
      const notRestored = steps.slice(1).map((s) => s.table).join(', ');
      assert.match(partial.stderr, new RegExp(`restored: ${first.table}; not restored: ${notRestored}`), partial.all);
      assert.match(partial.stderr, /Not all files from version/);
      assert.match(partial.stderr, /run the same restore again/);
      const failedReport = JSON.parse((await readObject(client, gold, `_quality/${partialId}.json`)).toString());
      assert.equal(failedReport.status, 'failed');
      assert.deepEqual(failedReport.restored, [first.table]);
      assert.equal(failedReport.not_restored.join(', '), notRestored);

      const finalId = `restore-final-${suffix}`;
      const rerun = await etl(['restore', '--before-run', badRun, '--run-id', finalId], env);
      assert.equal(rerun.exitCode, 0, rerun.all);
      assert.match(rerun.stdout, new RegExp(`${first.table}: already as before the run`));
      const restoredRows = rowsOf(await sample.goldState());
      // The counts in the test's output (the TAP diagnostics), for people reading a CI log.
      const counts = { good: goodRows, bad: rowsOf(badState), restored: restoredRows };
      t.diagnostic(`rows per table: ${JSON.stringify(counts)}`);
      t.diagnostic(`partial failure said: ${partial.stderr.split('\n').filter((l) => /error|→/.test(l)).join(' | ')}`);
      assert.deepEqual(restoredRows, goodRows, 'every table has the rows it had before the bad run');

      const report = JSON.parse((await readObject(client, gold, '_quality/latest.json')).toString());
      assert.equal(report.run_id, finalId);
      assert.equal(report.kind, 'restore');
      assert.equal(report.status, 'succeeded');
      assert.equal(report.before_run, badRun);
      assert.deepEqual(report.restored, steps.slice(1).map((s) => s.table));
      for (const step of steps) {
        const [newest] = (await readDeltaTable(client, gold, `${step.table}/`)).history;
        assert.equal(newest.operation, 'RESTORE');
        assert.equal(newest.userMetadata, step === first ? partialId : finalId);
      }
      const again = await etl(['restore', '--before-run', badRun], env);
      assert.equal(again.exitCode, 0, again.all);
      assert.match(again.stdout, new RegExp(`gold is already as before run ${badRun}: nothing to restore`));
    });
  });
}
