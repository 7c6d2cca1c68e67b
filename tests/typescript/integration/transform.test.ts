import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Command } from 'commander';
import { execa } from 'execa';
import { registerTransformCommand } from '../../../extension/cli/transform';
import { EtlError } from '../../../extension/core/errors';
import { runExtract } from '../../../extension/core/extract/run';
import { runTransform } from '../../../extension/core/transform/run';
import { CLI, processesMentioning, projectConfig, ROOT } from '../helpers/cli';
import { faultCells } from '../helpers/faultCells';

// The TypeScript runner of python -m etl.submit against the real stack: the job's error line, the command's failure
// without a Spark start, and SIGTERM stopping a real job on the two workers. Its success on the sample: sampleGold.
const env = {
  ETL_BACKUP_DIR: mkdtempSync(join(tmpdir(), 'transform-backup-')),
  ETL_LOG_DIR: mkdtempSync(join(tmpdir(), 'transform-logs-')),
};

/** The SIGTERM case is a cell of the fault matrix (docs/reliability.md). */
const cellTest = faultCells('transform-cli', 'tests/typescript/integration/transform.test.ts');

describe('transform through the real etl.submit', { timeout: 900_000 }, () => {
  // Its success (events, Spark progress, the quality report) is tested on the shared publish: sampleGold.test.ts.
  before(async () => {
    // The run the SIGTERM case transforms (it is stopped once its application started).
    await runExtract(projectConfig(), { months: '2024-01', source: { sample: true }, env });
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

  cellTest({ component: 'etl transform (CLI, spark-submit, driver)', faults: ['SIGTERM'], phase: 'start' },
    'SIGTERM to `etl transform` (kill, timeout, a closed IDE) stops spark-submit and its driver too', async () => {
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
