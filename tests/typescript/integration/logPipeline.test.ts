import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { EsLogTail } from '../../../extension/core/logs/esTail';
import type { LogRecord } from '../../../extension/core/logs/record';
import { LOG_TEMPLATE_NAME, logIndexFor } from '../../../extension/core/stack/logIndexTemplate';
import { locateRuntimes } from '../../../extension/core/runtimes';
import { ROOT, projectConfig } from '../helpers/cli';
import { shippedDocument } from '../helpers/logPipeline';
import { testEsClient } from '../helpers/elasticsearch';
import { esTarget } from '../../../extension/core/elasticsearch/client';

const config = projectConfig();
const es = testEsClient(config);
const runId = `elk-test-${process.pid}-${Date.now()}`;
const created = new Set<string>();
const logDir = mkdtempSync(join(tmpdir(), 'etl-logs-'));

after(async () => {
  for (const index of created) await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
  rmSync(logDir, { recursive: true, force: true });
});

/** Real ETL_logs lines, written by etl.logger (ecs-logging) in the ETL's own venv. */
async function writeRealLogLines(): Promise<string> {
  const script = [
    'import logging, sys',
    'from etl.logger import setup_logging',
    `log = setup_logging("extract", "${runId}", console_level=logging.CRITICAL)`,
    'for i in range(5): log.info("extracted part %d of the sample", i)',
    'log.warning("retrying month 2024-01 after HTTP 503")',
    'try:\n    raise ValueError("corrupt parquet footer")\nexcept ValueError:\n    log.exception("month 2024-02 ' +
      'failed")',
  ].join('\n');
  const python = locateRuntimes(config.paths.root, config.paths.cache).python;
  await execa(python, ['-c', script], { env: { ...process.env, PYTHONPATH: join(ROOT, 'src'), ETL_LOG_DIR: logDir } });
  return join(logDir, 'extract.log');
}

test('ETL_logs lines shipped as the Filebeat → Logstash pipeline does are indexed with the ECS template and read ' +
  'back in order', async () => {
  const template = await es.indices.getIndexTemplate({ name: LOG_TEMPLATE_NAME });
  assert.equal(template.index_templates.length, 1, '`etl up --with elasticsearch` installs the log template');

  const logFile = await writeRealLogLines();
  const text = readFileSync(logFile, 'utf8');
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 7);
  let offset = 0;
  const operations = lines.flatMap((line) => {
    const document = shippedDocument(line, logFile, offset);
    offset += Buffer.byteLength(line) + 1;
    const index = logIndexFor(String(document['@timestamp']));
    created.add(index);
    return [{ index: { _index: index } }, document];
  });
  const bulk = await es.bulk({ operations, refresh: 'wait_for' });
  assert.equal(bulk.errors, false, JSON.stringify(bulk.items.find((i) => i.index?.error)));

  const [index] = created;
  const mapping = await es.indices.getMapping({ index });
  const properties = mapping[index].mappings.properties as Record<
    string,
    { properties?: Record<string, { type: string }> }
  >;
  assert.equal(properties.etl.properties?.step.type, 'keyword', 'the template, not dynamic mapping, typed etl.step');
  assert.equal(properties.log.properties?.level.type, 'keyword');

  const received: LogRecord[] = [];
  const tail = new EsLogTail(
    { ...esTarget(config), index: 'etl-logs-*', filter: { runId }, lookbackMs: 3_600_000, overlapMs: 5_000 },
    (records) => received.push(...records),
  );
  await tail.poll();
  await tail.poll(); // the overlap window re-reads: nothing may be shown twice
  tail.stop();

  const expected = lines.map((line) => JSON.parse(line) as { message: string; 'log.level'?: string });
  assert.deepEqual(
    received.map((r) => r.message),
    expected.map((e) => e.message),
  );
  assert.deepEqual(
    received.map((r) => r.level),
    ['info', 'info', 'info', 'info', 'info', 'warning', 'error'],
  );
  assert.ok(received.every((r) => r.step === 'extract' && r.runId === runId));
  const stamps = received.map((r) => Date.parse(r.timestamp));
  assert.deepEqual(
    [...stamps].sort((a, b) => a - b),
    stamps,
    'sorted by @timestamp',
  );
});
