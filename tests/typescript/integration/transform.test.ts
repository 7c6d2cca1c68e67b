import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import { execa } from 'execa';
import { registerTransformCommand } from '../../../extension/cli/transform';
import { EtlError } from '../../../extension/core/errors';
import { runExtract } from '../../../extension/core/extract/run';
import type { SparkProgress } from '../../../extension/core/spark/restApi';
import type { TransformEvent } from '../../../extension/core/transform/events';
import { runTransform } from '../../../extension/core/transform/run';
import { CLI, processesMentioning, projectConfig, ROOT } from '../helpers/cli';

// The TypeScript runner of python -m etl.submit against the real stack: a real job on the two workers with its
// events, REST progress and quality report; the job's error line; the command's failure without a Spark start.
const env = {
  ETL_BACKUP_DIR: mkdtempSync(join(tmpdir(), 'transform-backup-')),
  ETL_LOG_DIR: mkdtempSync(join(tmpdir(), 'transform-logs-')),
};

describe('transform through the real etl.submit', { timeout: 900_000 }, () => {
  test('success: an extracted sample month becomes gold, with events, Spark progress and the quality ' +
    'report', async () => {
    const extracted = await runExtract(projectConfig(), { months: '2024-01', source: { sample: true }, env });
    const events: TransformEvent[] = [];
    const progress: SparkProgress[] = [];
    const callbacks = {
      onEvent: (e: TransformEvent) => events.push(e),
      onProgress: (p: SparkProgress) => progress.push(p),
    };
    // Forced: an earlier test may have transformed the same sample month (same inputs: skipped otherwise).
    const report = await runTransform(projectConfig(), { run: extracted.runId, env, force: true }, callbacks);
    assert.equal(report.status, 'succeeded');
    assert.equal(report.manifest_run, extracted.runId);
    assert.match(report.app_id, /^app-\d{14}-\d{4}$/);
    // The committed sample's January has 20,000 trips; every one is kept or rejected by a named rule.
    assert.equal(report.rows_read, 20_000);
    assert.equal(report.rows_kept + report.rows_rejected, report.rows_read);
    assert.equal(
      Object.values(report.rejected_by_rule).reduce((a, b) => a + b, 0),
      report.rows_rejected,
    );
    assert.deepEqual(Object.keys(report.months), ['2024-01']);
    const kinds = events.map((e) => e.event);
    assert.equal(kinds[0], 'run_start');
    assert.equal(kinds.at(-1), 'run_done');
    assert.ok(
      events.some((e) => e.event === 'table_written' && e.table === 'fact_trips'),
      kinds.join(','),
    );
    // Progress came from the driver's REST API while the job ran.
    const last = progress.at(-1);
    assert.ok(last && last.stagesDone > 0, `stage progress: ${JSON.stringify(last)}`);
  });


  test('an unknown extraction run fails fast with the job\'s own message', async () => {
    const started = Date.now();
    await assert.rejects(runTransform(projectConfig(), { run: 'no-such-run', env }), (error: unknown) => {
      assert.ok(error instanceof EtlError);
      assert.match(error.message, /^etl transform: error: run 'no-such-run' is not in the manifest/);
      return true;
    });
    assert.ok(Date.now() - started < 20_000, 'no Spark application should start');
  });

  test('`etl transform` registers --run and rejects with the error', async () => {
    const program = new Command('etl').exitOverride();
    registerTransformCommand(program);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      await assert.rejects(
        program.parseAsync(['node', 'etl', 'transform', '--run', 'no-such-run']),
        /not in the manifest/,
      );
    } finally {
      process.env = saved;
    }
  });

  test('SIGTERM to `etl transform` (kill, timeout, a closed IDE) stops spark-submit and its driver too', async () => {
    const runId = `sigterm-${Date.now()}`;
    const child = execa('node', [CLI, 'transform', '--force', '--run-id', runId], {
      cwd: ROOT, env: { ...process.env, ...env }, reject: false, all: true,
    });
    let seen = '';
    await new Promise<void>((resolve, reject) => {
      child.all?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (/application app-/.test(seen)) resolve();
      });
      void child.then(() => reject(new Error(`exited before the application started:\n${seen}`)));
    });
    assert.ok(processesMentioning(runId).length > 0, 'the job runs under the CLI');
    child.kill('SIGTERM');
    const result = await child;
    assert.equal(result.exitCode, 1, result.all);
    assert.match(result.all ?? '', /transform cancelled; spark-submit was stopped/);
    const deadline = Date.now() + 15_000;
    while (processesMentioning(runId).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(processesMentioning(runId), [], 'spark-submit or its driver outlived the CLI');
  });
});
