import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Command } from 'commander';
import { registerTransformCommand } from '../../extension/cli/transform';
import { EtlError } from '../../extension/core/errors';
import { runTransform } from '../../extension/core/transform/run';
import { projectConfig } from '../helpers/cli';

// The success path (a real job with REST progress) is covered by tests/python/test_transform_integration.py;
// here: the real python -m etl.submit child, its error line, and the command's failure without a Spark start.
const env = { ETL_BACKUP_DIR: mkdtempSync(join(tmpdir(), 'transform-backup-')), ETL_LOG_DIR: mkdtempSync(join(tmpdir(), 'transform-logs-')) };

describe('transform through the real etl.submit', { timeout: 60_000 }, () => {
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
      await assert.rejects(program.parseAsync(['node', 'etl', 'transform', '--run', 'no-such-run']), /not in the manifest/);
    } finally {
      process.env = saved;
    }
  });
});
