import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { s3Client } from '../../../extension/core/s3/client';
import { LOG_INDEX_PATTERN } from '../../../extension/core/stack/logIndexTemplate';
import { ROOT, projectConfig } from '../helpers/cli';
import { testEsClient } from '../helpers/elasticsearch';

/**
 * No secret of .env in a process's arguments, a log, a manifest, a quality report, a lineage event or a test
 * artifact, after everything `npm test` ran on the native stack (scripts/test.sh runs this last, stack still up).
 * Configuration files that exist to hold credentials (.env, mc's config, Spark's and Airflow's config) are not
 * scanned: they are mode 600 and are where a secret belongs. Screenshots are images: each has beside it the text
 * it shows (tests/typescript/vscode/driver/capture.mjs: the workbench, its webview frames, input values), scanned
 * with the other test artifacts. The compose VS Code suite runs after this audit: its screenshots are not audited.
 */
const config = projectConfig();
const SECRET_KEY = /(PASSWORD|SECRET|SECRET_KEY|TOKEN|API_KEY)$/;
const secrets = Object.entries(parse(readFileSync(join(ROOT, '.env'))))
  .filter(([key, value]) => SECRET_KEY.test(key) && value.length >= 8)
  .map(([key, value]) => ({ key, value: Buffer.from(value) }));

/** Logs, manifests, lineage events and test artifacts: the checkout's and the extra folders test.sh names. */
const ROOTS = [
  'ETL_logs', 'Backup_data', 'test-artifacts', '.etl/logs', '.etl/airflow/logs', '.etl/elasticsearch/logs',
  '.etl/spark/events', '.etl/spark/spark-worker-1', '.etl/spark/spark-worker-2', '.etl/preview',
].map((dir) => join(ROOT, dir)).concat((process.env.ETL_AUDIT_DIRS ?? '').split(':').filter(Boolean));
const BINARY = /\.(png|jpe?g|vsix|parquet|jar|zip|gz|db|crc|checkpoint)$/;

function* files(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // a folder this run did not make
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && !BINARY.test(entry.name) && statSync(path).size < 200_000_000) yield path;
  }
}

const leaksIn = (where: string, bytes: Buffer) =>
  secrets.filter(({ value }) => bytes.includes(value)).map(({ key }) => `${key} in ${where}`);

test('.env has secrets to look for', () => {
  assert.ok(secrets.some((s) => s.key === 'MINIO_SECRET_KEY'), secrets.map((s) => s.key).join(', '));
});

test('no process has a secret in its arguments', () => {
  const leaks: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let cmdline: Buffer;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`);
    } catch {
      continue; // ended meanwhile
    }
    leaks.push(...leaksIn(`the arguments of ${cmdline.toString().replaceAll('\0', ' ').slice(0, 120)}`, cmdline));
  }
  assert.deepEqual(leaks, []);
});

test('no log, manifest, lineage event or test artifact holds a secret', () => {
  const leaks: string[] = [];
  let scanned = 0;
  for (const root of ROOTS) {
    for (const file of files(root)) {
      scanned += 1;
      leaks.push(...leaksIn(relative(ROOT, file), readFileSync(file)));
    }
  }
  console.log(`# ${scanned} files scanned for ${secrets.length} secrets`);
  assert.ok(scanned > 0, 'nothing to scan: run after the stack and the tests wrote their logs');
  assert.deepEqual(leaks, []);
});

test('every VS Code screenshot has the text it shows beside it, scanned above', () => {
  const artifacts = join(ROOT, 'test-artifacts');
  const shots = existsSync(artifacts) ? readdirSync(artifacts).filter((n) => /^vscode-.*\.png$/.test(n)) : [];
  const texts = shots.map((n) => join(artifacts, n.replace(/\.png$/, '.txt')));
  const missing = texts.filter((t) => !existsSync(t)).map((t) => relative(ROOT, t));
  assert.deepEqual(missing, [], 'a screenshot without its text');
  if (shots.length) {
    // The captures hold what a user sees: the ETL sidebar's own words, in some of them at least.
    assert.ok(texts.some((t) => readFileSync(t, 'utf8').includes('ETL')), 'the captured texts are empty');
  }
  console.log(`# ${shots.length} screenshots' texts scanned`);
});

test('no quality report in gold holds a secret', async () => {
  const client = s3Client(config);
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(config.buckets.gold, '_quality/', true)) {
    if (item.name) keys.push(item.name as string);
  }
  const leaks: string[] = [];
  for (const key of keys) {
    const chunks: Buffer[] = [];
    for await (const chunk of await client.getObject(config.buckets.gold, key)) chunks.push(chunk as Buffer);
    leaks.push(...leaksIn(`s3://${config.buckets.gold}/${key}`, Buffer.concat(chunks)));
  }
  console.log(`# ${keys.length} quality reports scanned`);
  assert.deepEqual(leaks, []);
});

test('no log line in Elasticsearch holds a secret', async () => {
  const es = testEsClient(config);
  try {
    for (const { key, value } of secrets) {
      const found = await es.count({
        index: LOG_INDEX_PATTERN, ignore_unavailable: true, allow_no_indices: true,
        query: { multi_match: { query: value.toString(), type: 'phrase', fields: ['*'], lenient: true } },
      });
      assert.equal(found.count, 0, `${key} in ${found.count} log documents`);
    }
  } finally {
    await es.close();
  }
});
