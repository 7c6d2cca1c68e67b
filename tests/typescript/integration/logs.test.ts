import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { EsLogTail } from '../../../extension/core/logs/esTail';
import { FileLogTail } from '../../../extension/core/logs/fileTail';
import type { LogRecord } from '../../../extension/core/logs/record';
import { openLogSource } from '../../../extension/core/logs/source';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { ROOT, projectConfig } from '../helpers/cli';
import { testEsClient } from '../helpers/elasticsearch';
import { esTarget } from '../../../extension/core/elasticsearch/client';

const config = projectConfig();
const target = esTarget(config);
const es = testEsClient(config);
const index = `etl-logs-h3test-${randomBytes(4).toString('hex')}`;
const base = Date.now() - 60_000;
const doc = (offsetMs: number, message: string, level = 'info', step = 'extract', runId = 'run-a') => ({
  '@timestamp': new Date(base + offsetMs).toISOString(),
  'log.level': level,
  message,
  etl: { step, run_id: runId },
  labels: { run_id: runId },
});

async function index_(docs: object[]): Promise<void> {
  await es.bulk({ refresh: true, operations: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
}

describe('Elasticsearch log source (real ES)', { timeout: 120_000 }, () => {
  before(async () => {
    // Indexed out of order on purpose: the tail must sort by @timestamp.
    await index_([doc(3000, 'third'), doc(1000, 'first'), doc(2000, 'second', 'error', 'transform', 'run-b')]);
  });
  after(async () => {
    await es.indices.delete({ index, ignore_unavailable: true });
    await es.close();
  });

  test('reads documents back in @timestamp order, then only new ones, each once despite the overlap', async () => {
    const seen: LogRecord[] = [];
    const tail = new EsLogTail({ ...target, index, lookbackMs: 120_000, overlapMs: 10_000, pollMs: 1_000_000 }, (r) =>
      seen.push(...r),
    );
    await tail.start();
    assert.deepEqual(seen.map((r) => r.message), ['first', 'second', 'third']);
    assert.deepEqual(
      seen.map((r) => `${r.step}/${r.level}/${r.runId}`),
      ['extract/info/run-a', 'transform/error/run-b', 'extract/info/run-a'],
    );
    await tail.poll();
    assert.equal(seen.length, 3, 'the overlap window must not repeat documents');
    // A late document, stamped before the newest one but within the overlap: shown once.
    await index_([doc(2500, 'late'), doc(4000, 'fourth')]);
    await tail.poll();
    await tail.poll();
    assert.deepEqual(seen.map((r) => r.message), ['first', 'second', 'third', 'late', 'fourth']);
    tail.stop();
  });

  test('filters by run, step and level', async () => {
    const collect = async (filter: object) => {
      const seen: LogRecord[] = [];
      const tail = new EsLogTail({ ...target, index, lookbackMs: 120_000, pollMs: 1_000_000, filter }, (r) =>
        seen.push(...r),
      );
      await tail.start();
      tail.stop();
      return seen.map((r) => r.message);
    };
    assert.deepEqual(await collect({ runId: 'run-b' }), ['second']);
    assert.deepEqual(await collect({ step: 'extract' }), ['first', 'late', 'third', 'fourth']);
    assert.deepEqual(await collect({ levels: ['error'] }), ['second']);
  });

  test('Elasticsearch down: falls back to the files with a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    writeFileSync(join(dir, 'extract.log'), `${JSON.stringify(doc(0, 'from file'))}\n`);
    const warnings: string[] = [];
    const seen: LogRecord[] = [];
    const source = await openLogSource((r) => seen.push(...r), {
      setting: 'elasticsearch',
      logDir: dir,
      fromStart: true,
      es: { url: 'http://127.0.0.1:1', index },
      onFallback: (w) => warnings.push(w),
    });
    source.stop();
    assert.equal(source.kind, 'files');
    assert.ok(warnings[0].startsWith('Elasticsearch at http://127.0.0.1:1 does not answer'), warnings[0]);
    // The folder in use (ETL_LOG_DIR), not a fixed ETL_logs/.
    assert.ok(warnings[0].endsWith(`showing ${dir}/*.log instead`), warnings[0]);
    assert.deepEqual(
      seen.map((r) => r.message),
      ['from file'],
    );
  });

  test('the real etl.logger output (ECS JSON, rotation at a small size) is followed line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pylogs-'));
    const seen: LogRecord[] = [];
    const tail = new FileLogTail(dir, (r) => seen.push(...r), { fromStart: true, pollMs: 20 });
    await tail.start();
    const python = locateRuntimes(config.paths.root, config.paths.cache).python;
    // ~16 lines per 4 kB file, a line every 5 ms: several rotations per second, each file alive for ~80 ms.
    const script =
      'import time, etl.logger as L\nL.LOG_MAX_BYTES = 4000\nlog = L.setup_logging("extract", "py-run")\nfor i in ' +
        'range(200):\n    log.info("line %d", i)\n    time.sleep(0.005)';
    await execa(python, ['-c', script], { env: { ...process.env, PYTHONPATH: join(ROOT, 'src'), ETL_LOG_DIR: dir } });
    await new Promise((r) => setTimeout(r, 300));
    tail.poll();
    tail.stop();
    const lines = seen.filter((r) => r.runId === 'py-run').map((r) => r.message);
    assert.deepEqual(
      lines,
      Array.from({ length: 200 }, (_, i) => `line ${i}`),
      'every line once, in order, across rotations',
    );
    assert.ok(seen.every((r) => r.step === 'extract'));
  });
});
