// Benchmark of the native log shipper (not a test): lines/s shipped from ETL_logs/ into Elasticsearch,
// and write-to-searchable latency p50/p95, each beside a floor measured in the same run: the same
// documents sent straight to Elasticsearch with the @elastic/elasticsearch bulk helper.
//   npm run -s bench:logs [-- --lines 20000 --latency-lines 1000 --rate 200]
// Needs `etl up --with elasticsearch` (Elasticsearch and the log shipper). Removes its documents and file.
import { appendFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, errors } from '@elastic/elasticsearch';
import { esTarget } from '../extension/core/elasticsearch/client';
import { loadConfig } from '../extension/core/config';
import { findProjectRoot } from '../extension/core/paths';
import { logIndexFor } from '../extension/core/stack/logIndexTemplate';
import { shippedLogDir, shipperRunning } from '../extension/core/stack/logShipper';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LINES = arg('lines', 20_000);
const LATENCY_LINES = arg('latency-lines', 1000);
const RATE = arg('rate', 200);
const config = loadConfig(findProjectRoot(__dirname));
const target = esTarget(config);
const es = new Client({ node: target.url, requestTimeout: 30_000, ...(target.auth ? { auth: target.auth } : {}) });
const logDir = shippedLogDir(config);
const file = join(logDir, 'bench-logs.log');
const tag = `bench-logs-${process.pid}-${Date.now()}`;
const runIds: string[] = [];

/** One line as etl.logger (ecs-logging) writes it: `@timestamp` now, dotted log.level and ecs.version. */
function ecsLine(runId: string, n: number): string {
  return JSON.stringify({
    '@timestamp': new Date().toISOString(),
    'log.level': n % 50 === 0 ? 'warning' : 'info',
    message: `bench line ${n}: month 2024-01 part ${n % 7} uploaded`,
    'ecs.version': '1.6.0',
    etl: { run_id: runId, step: 'bench-logs' },
    labels: { run_id: runId },
    log: {
      logger: 'etl.bench',
      origin: { file: { line: 42, name: 'bench_logs.py' }, function: 'main' },
      original: `bench line ${n}`,
    },
    process: { name: 'MainProcess', pid: process.pid, thread: { id: 1, name: 'MainThread' } },
  });
}

/** What the shipper indexes for a line (the compose Filebeat → Logstash shape), for the floor. */
function shippedDocument(line: string, offset: number): Record<string, unknown> {
  const {
    'log.level': level,
    'ecs.version': version,
    log,
    ...rest
  } = JSON.parse(line) as Record<string, unknown> & { log: object };
  return {
    ...rest,
    log: { ...log, level, file: { path: file }, offset },
    ecs: { version },
    input: { type: 'imfile' },
    host: { name: hostname() },
    '@version': '1',
  };
}

const newRun = (what: string) => {
  const id = `${tag}-${what}`;
  runIds.push(id);
  return id;
};

/**
 * A day index the shipper has just created answers 503 (no shard available) until its shard starts:
 * that is "not searchable yet", so the read is tried again.
 */
async function onceShardsStarted<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!(error instanceof errors.ResponseError && error.statusCode === 503) || attempt >= 600) throw error;
      await sleep(100);
    }
  }
}

async function count(runId: string): Promise<number> {
  const response = await onceShardsStarted(() => es.count({
    index: 'etl-logs-*',
    ignore_unavailable: true,
    allow_no_indices: true,
    query: { term: { 'labels.run_id': runId } },
  }));
  return response.count;
}

async function waitForCount(runId: string, expected: number, timeoutMs = 600_000): Promise<number> {
  const started = performance.now();
  while ((await count(runId)) < expected) {
    if (performance.now() - started > timeoutMs)
      throw new Error(`${runId}: fewer than ${expected} documents after ${timeoutMs} ms`);
    await sleep(50);
  }
  return performance.now();
}

/** Throughput: every line at once; time until the last one is searchable. */
async function throughputShipper(): Promise<number> {
  const runId = newRun('tput-shipper');
  const lines = Array.from({ length: LINES }, (_, n) => ecsLine(runId, n));
  const started = performance.now();
  appendFileSync(file, `${lines.join('\n')}\n`);
  return LINES / (((await waitForCount(runId, LINES)) - started) / 1000);
}

async function throughputFloor(): Promise<number> {
  const runId = newRun('tput-floor');
  let offset = 0;
  const documents = Array.from({ length: LINES }, (_, n) => {
    const line = ecsLine(runId, n);
    const document = shippedDocument(line, offset);
    offset += Buffer.byteLength(line) + 1;
    return document;
  });
  const started = performance.now();
  await es.helpers.bulk({
    datasource: documents,
    onDocument: (d) => ({ create: { _index: logIndexFor(String(d['@timestamp'])) } }),
  });
  return LINES / (((await waitForCount(runId, LINES)) - started) / 1000);
}

/** Polls the run's documents; records when each line number became searchable. */
async function watchSearchable(runId: string, seen: Map<number, number>, until: () => boolean): Promise<void> {
  while (!until()) {
    const response = await onceShardsStarted(() => es.search<{ message: string }>({
      index: 'etl-logs-*',
      size: 10_000,
      _source: ['message'],
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { term: { 'labels.run_id': runId } },
    }));
    const now = performance.now();
    for (const hit of response.hits.hits) {
      const n = Number(/bench line (\d+):/.exec(hit._source?.message ?? '')?.[1]);
      if (!seen.has(n)) seen.set(n, now);
    }
    await sleep(20);
  }
}

/** Latency: lines at RATE lines/s, each one's write time against when a search first returns it. */
async function latency(send: (runId: string, n: number) => Promise<void> | void, what: string): Promise<number[]> {
  const runId = newRun(`lat-${what}`);
  const written = new Map<number, number>();
  const seen = new Map<number, number>();
  const watcher = watchSearchable(runId, seen, () => seen.size >= LATENCY_LINES);
  const started = performance.now();
  for (let n = 0; n < LATENCY_LINES; n += 1) {
    const due = started + (n * 1000) / RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    written.set(n, performance.now());
    await send(runId, n);
  }
  // The deadline's timer is cancelled once the watcher is done: a pending one kept the process alive 120 s more.
  const deadline = new AbortController();
  try {
    await Promise.race([
      watcher,
      sleep(120_000, undefined, { signal: deadline.signal }).then(() => {
        throw new Error(`${what}: not every line searchable after 120 s`);
      }),
    ]);
  } finally {
    deadline.abort();
  }
  return [...written].map(([n, at]) => (seen.get(n) ?? Number.NaN) - at).sort((a, b) => a - b);
}

function shipperSend(runId: string, n: number): void {
  appendFileSync(file, `${ecsLine(runId, n)}\n`);
}

/** The floor for latency: the bulk helper sends what came in every 50 ms (a shipper's batching). */
function floorSender(): { send: (runId: string, n: number) => void; done: () => Promise<unknown> } {
  let queue: Record<string, unknown>[] = [];
  const inFlight: Promise<unknown>[] = [];
  const flush = () => {
    if (!queue.length) return;
    const batch = queue;
    queue = [];
    inFlight.push(
      es.helpers.bulk({
        datasource: batch,
        onDocument: (d) => ({ create: { _index: logIndexFor(String(d['@timestamp'])) } }),
      }),
    );
  };
  const timer = setInterval(flush, 50);
  return {
    send: (runId, n) => {
      queue.push(shippedDocument(ecsLine(runId, n), 0));
    },
    done: async () => {
      clearInterval(timer);
      flush();
      await Promise.all(inFlight);
    },
  };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const row = (what: string, value: string, floor: string, ratio: string) =>
  process.stdout.write(
    `${what.padEnd(34)} ${value.padStart(12)}   floor (bulk helper) ${floor.padStart(12)}   ratio ${ratio}\n`,
  );

async function main(): Promise<void> {
  if (!shipperRunning(config)) throw new Error('the log shipper is not running: `etl up --with elasticsearch` first');
  process.stdout.write(
    `log shipper benchmark: ${LINES} lines for throughput, ${LATENCY_LINES} at ${RATE}/s for latency, into ${logDir}\n`,
  );
  const shipped = await throughputShipper();
  const floor = await throughputFloor();
  row('throughput (lines/s)', shipped.toFixed(0), floor.toFixed(0), `${(shipped / floor).toFixed(2)} of the floor`);
  const shipperLatency = await latency(shipperSend, 'shipper');
  const sender = floorSender();
  const floorLatency = await latency(sender.send, 'floor');
  await sender.done();
  for (const p of [50, 95]) {
    const [a, b] = [pct(shipperLatency, p), pct(floorLatency, p)];
    row(`write → searchable p${p} (ms)`, a.toFixed(0), b.toFixed(0), `${(a / b).toFixed(2)}× the floor`);
  }
}

main()
  .catch((error) => {
    process.stderr.write(`bench_logs: ${(error as Error).message}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    // Let the shipper finish the file before it goes; then no trace of the benchmark remains.
    await sleep(1000);
    rmSync(file, { force: true });
    await es
      .deleteByQuery({
        index: 'etl-logs-*',
        refresh: true,
        conflicts: 'proceed',
        query: { terms: { 'labels.run_id': runIds } },
      })
      .catch(() => undefined);
    await es.close();
  });
