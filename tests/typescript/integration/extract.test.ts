import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { registerExtractCommand } from '../../../extension/cli/extract';
import type { ExtractEvent } from '../../../extension/core/extract/events';
import { ExtractCancelled, runExtract } from '../../../extension/core/extract/run';
import { loadManifest } from '../../../extension/core/manifest/model';
import { s3Client } from '../../../extension/core/s3/client';
import { projectConfig } from '../helpers/cli';

const config = projectConfig();
const backup = mkdtempSync(join(tmpdir(), 'extract-backup-'));
const env = {
  ETL_BACKUP_DIR: backup,
  ETL_LOG_DIR: mkdtempSync(join(tmpdir(), 'extract-logs-')),
  ETL_LOCK_DIR: mkdtempSync(join(tmpdir(), 'extract-locks-')),
};

/** Serves a "month" that trickles forever, so a cancel surely lands mid-transfer. */
function trickleServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': String(50 * 1024 * 1024) });
    const timer = setInterval(() => res.write(Buffer.alloc(64 * 1024)), 50);
    res.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('extraction through the real extractor and MinIO', { timeout: 300_000 }, () => {
  let trickle: { server: Server; url: string };
  before(async () => {
    trickle = await trickleServer();
  });
  after(() => trickle.server.close());

  test('the sample month lands in rawzone with progress events and a manifest run', async () => {
    const events: ExtractEvent[] = [];
    const result = await runExtract(config, { months: '2024-01', source: { sample: true }, env }, (e) =>
      events.push(e),
    );
    assert.deepEqual(
      [...new Set(events.map((e) => e.event))],
      ['run_start', 'file_start', 'bytes', 'file_done', 'run_done'],
    );
    assert.equal(result.files, 2);
    assert.ok(result.bytes > 100_000);
    const run = loadManifest(join(backup, 'extracted_paths.json')).runs.find((r) => r.run_id === result.runId);
    assert.equal(run?.status, 'succeeded');
    const stat = await s3Client(config).statObject(
      config.buckets.rawzone,
      'yellow_tripdata/year=2024/month=01/yellow_tripdata_2024-01.parquet',
    );
    assert.ok(stat.size > 100_000);
  });

  test("a failure rejects with the extractor's own error line", async () => {
    await assert.rejects(
      runExtract(config, { months: '2031-04', source: { sample: true }, env }),
      /^EtlError: etl extract: error: month 2031-04: .*not found/,
    );
    await assert.rejects(
      runExtract(config, { months: '2024-03..2024-01', source: { sample: true }, env }),
      /usage error: range '2024-03\.\.2024-01' is inverted/,
    );
  });

  test('cancel kills the extractor mid-transfer and leaves no process behind', async () => {
    const controller = new AbortController();
    let pid = 0;
    const run = runExtract(
      config,
      {
        months: '2024-01',
        source: { template: `${trickle.url}/{YYYY}-{MM}.parquet` },
        noZones: true,
        runId: 'cancel-test',
        env,
      },
      (e) => {
        if (e.event === 'bytes' && e.bytes > 0) controller.abort();
      },
      controller.signal,
    );
    const started = Date.now();
    await assert.rejects(run, ExtractCancelled);
    assert.ok(Date.now() - started < 60_000);
    for (const line of (await import('node:fs')).readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const cmd = (await import('node:fs')).readFileSync(`/proc/${line}/cmdline`, 'utf8');
        if (cmd.includes('cancel-test')) pid = Number(line);
      } catch {
        /* gone */
      }
    }
    assert.ok(!pid || !alive(pid), `extractor ${pid} still running`);
  });

  test('`etl extract` prints files and bytes, and fails with the extractor error', async () => {
    const program = new Command('etl').exitOverride();
    registerExtractCommand(program);
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    Object.assign(process.env, env);
    try {
      await program.parseAsync(['node', 'etl', 'extract', '--months', '2024-02', '--sample', '--no-zones']);
      await assert.rejects(
        program.parseAsync(['node', 'etl', 'extract', '--months', '2031-04', '--sample']),
        /etl extract: error: month 2031-04/,
      );
      await assert.rejects(
        program.parseAsync(['node', 'etl', 'extract', '--months', '2024-01', '--sample', '--source', 'x']),
        /either --source or --sample/,
      );
    } finally {
      process.stderr.write = original;
    }
    const text = written.join('');
    assert.match(text, /files 0\/1, 0 B/);
    assert.match(
      text,
      /(uploaded|skipped) s3a:\/\/rawzone\/yellow_tripdata\/year=2024\/month=02\/yellow_tripdata_2024-02\.parquet \(\d/,
    );
  });
});
