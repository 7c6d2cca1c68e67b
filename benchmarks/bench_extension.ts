// Benchmark of the extension's hot paths (not a test). Prints each figure beside a floor/peer measured in the same run.
//   npm run -s bench:extension [-- --objects 100000 --rounds 20 --keep]
// Needs the stack's MinIO (`etl up`); uses bucket rawzone-bench-<objects> (made by the admin key, filled once,
// removed unless --keep). npm test runs it once with --objects 500 (a smoke run: it completes, prints its figures).
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../extension/core/config';
import { FileLogTail } from '../extension/core/logs/fileTail';
import { parseEcsLine, type LogRecord } from '../extension/core/logs/record';
import { listAllKeys, listPage } from '../extension/core/s3/listing';
import { findProjectRoot } from '../extension/core/paths';
import { s3Client } from '../extension/core/s3/client';
import { adminClient } from '../extension/core/stack/buckets';
import { median, p95 } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const OBJECTS = arg('objects', 100_000);
const ROUNDS = arg('rounds', 20);
const ms = (t: number) => `${t.toFixed(1)} ms`;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const root = findProjectRoot(__dirname);
const config = loadConfig(root);
const client = s3Client(config);
/** The ETL's key may not make or remove buckets: MinIO's root user does, for the benchmark. */
const admin = adminClient(config);
const BUCKET = `${config.buckets.rawzone}-bench-${OBJECTS}`;
const PREFIX = 'big/';

function row(what: string, value: string, peer: string) {
  process.stdout.write(`${what.padEnd(46)} ${value.padStart(14)}   | ${peer}\n`);
}

/** Only what module evaluation touches (node classes extend TreeItem); activate() is not called here. */
const VSCODE_STUB = {
  TreeItem: class {},
  EventEmitter: class {},
  Disposable: class {},
  ThemeIcon: class {},
  ThemeColor: class {},
  DocumentLink: class {},
};

/** Module load of the bundled extension (the bulk of activation before activate() runs), `vscode` stubbed. */
function activationLoad(): void {
  const load = (Module as unknown as { _load: (r: string, p: unknown, m: boolean) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (request: string, parent: unknown, isMain: boolean) =>
    request === 'vscode' ? VSCODE_STUB : load(request, parent, isMain);
  const t0 = performance.now();
  // A plain require: the bundle is CommonJS and loads through the Module._load hook above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(root, 'dist', 'extension.js'));
  const extension = performance.now() - t0;
  // Peer: a fresh Node loading only the two big dependencies the bundle carries.
  const peer = execFileSync(
    process.execPath,
    [
      '-e',
      "const t=performance.now();require('minio');require('@elastic/elasticsearch');" +
        'process.stdout.write(String(performance.now()-t))',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  row(
    'activation: load dist/extension.js',
    ms(extension),
    `peer: fresh node require('minio')+require('@elastic/elasticsearch') ${ms(Number(peer))}; activate() body is ` +
      `logged in VS Code ("activated in … ms") and asserted < 1 s by test:vscode`,
  );
}

async function fillBucket(): Promise<void> {
  if (!(await admin.bucketExists(BUCKET))) await admin.makeBucket(BUCKET, config.minio.region);
  const have = (
    await listPage(client, BUCKET, PREFIX, { pageSize: 1, filter: `o-${String(OBJECTS - 1).padStart(6, '0')}` })
  ).objects.length;
  if (have) return;
  const started = performance.now();
  const keys = Array.from({ length: OBJECTS }, (_, i) => `${PREFIX}o-${String(i).padStart(6, '0')}`);
  for (let i = 0; i < keys.length; i += 128)
    await Promise.all(keys.slice(i, i + 128).map((k) => client.putObject(BUCKET, k, Buffer.from('x'))));
  process.stderr.write(
    `filled ${BUCKET}/${PREFIX} with ${OBJECTS} objects in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

async function listingFigures(): Promise<void> {
  await fillBucket();
  await listPage(client, BUCKET, PREFIX, { pageSize: 10 }); // warm the connection
  // Alternating, ROUNDS rounds each: the two calls share the connection and MinIO's caches.
  const rawTimes: number[] = [];
  const treeTimes: number[] = [];
  let rawEntries = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    let t0 = performance.now();
    rawEntries = (await client.listObjectsV2Query(BUCKET, PREFIX, '', '/', 500, '')).objects.length;
    rawTimes.push(performance.now() - t0);
    t0 = performance.now();
    const page = await listPage(client, BUCKET, PREFIX, { pageSize: 500 });
    page.objects.map((o) => ({
      label: o.key.slice(PREFIX.length),
      description: `${o.size} B · ${o.lastModified.toISOString()}`,
    }));
    treeTimes.push(performance.now() - t0);
  }
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const kept = await listPage(client, BUCKET, PREFIX, { pageSize: 500 });
  const heapPage = process.memoryUsage().heapUsed - heap0;
  row(
    `tree first page (500 of ${OBJECTS}), median of ${ROUNDS}`,
    ms(median(treeTimes)),
    `floor: raw minio listObjectsV2Query 500 keys ${ms(median(rawTimes))} (${rawEntries} entries)`,
  );
  row(
    `tree first page (500 of ${OBJECTS}), p95 of ${ROUNDS}`,
    ms(p95(treeTimes)),
    `floor p95: ${ms(p95(rawTimes))}; ratio ${(p95(treeTimes) / p95(rawTimes)).toFixed(2)}x p95, ` +
      `${(median(treeTimes) / median(rawTimes)).toFixed(2)}x median`,
  );
  let t = performance.now();
  t = performance.now();
  const all = await listAllKeys(client, BUCKET, PREFIX);
  const fullMs = performance.now() - t;
  const heapAll = process.memoryUsage().heapUsed - heap0;
  row(
    'memory after first page (heap delta)',
    mb(Math.max(heapPage, 0)),
    `peer: listing all ${all.length} keys (naive tree): ${ms(fullMs)}, heap delta ${mb(heapAll)}`,
  );
  void kept;
}

const ecs = (i: number, at = new Date().toISOString()) => {
  const record = { '@timestamp': at, 'log.level': 'info', message: `line ${i}`, etl: { step: 'bench', run_id: 'b' } };
  return `${JSON.stringify(record)}\n`;
};

async function logFigures(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  const file = join(dir, 'bench.log');
  const N = 200_000;
  writeFileSync(file, Array.from({ length: N }, (_, i) => ecs(i)).join(''));
  let got = 0;
  let t = performance.now();
  const tail = new FileLogTail(dir, (records) => (got += records.length), { fromStart: true, pollMs: 1_000_000 });
  await tail.start();
  const tailMs = performance.now() - t;
  tail.stop();
  t = performance.now();
  const floor = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l, i) => parseEcsLine(l, String(i), 'bench')).length;
  const floorMs = performance.now() - t;
  row(
    'log tail throughput (ECS lines/s)',
    `${Math.round(got / (tailMs / 1000))}`,
    `floor: readFileSync+split+parse ${Math.round(floor / (floorMs / 1000))} lines/s`,
  );

  // Latency from append to the sink (what the output channel receives), default 250 ms polling.
  const latencies: number[] = [];
  let pending: number | undefined;
  const live = new FileLogTail(dir, (records: LogRecord[]) => {
    if (pending !== undefined && records.length) latencies.push(performance.now() - pending);
    pending = undefined;
  }, { pollMs: 250 });
  await live.start();
  for (let i = 0; i < 40; i += 1) {
    await new Promise((r) => setTimeout(r, 37 + Math.random() * 100));
    pending = performance.now();
    appendFileSync(file, ecs(i));
    while (pending !== undefined) await new Promise((r) => setTimeout(r, 2));
  }
  live.stop();
  latencies.sort((a, b) => a - b);
  row(
    'append → channel latency p50 / p95',
    `${ms(latencies[20])} / ${ms(latencies[37])}`,
    'floor: half the 250 ms poll interval on average (125 ms), 250 ms worst case',
  );
}

async function main(): Promise<void> {
  process.stdout.write(`${'measure'.padEnd(46)} ${'value'.padStart(14)}   | floor / peer (same run)\n`);
  activationLoad();
  await listingFigures();
  await logFigures();
  if (!process.argv.includes('--keep')) {
    const keys = (await listAllKeys(client, BUCKET, '')).map((e) => e.key);
    for (let i = 0; i < keys.length; i += 1000) await client.removeObjects(BUCKET, keys.slice(i, i + 1000));
    await admin.removeBucket(BUCKET);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exitCode = 1;
});
