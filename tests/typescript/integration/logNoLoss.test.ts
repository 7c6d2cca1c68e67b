import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { locateRuntimes } from '../../../extension/core/runtimes';
import {
  readShipperCounters,
  shippedLogDir,
  shipperRunning,
  shipperWorkDir,
} from '../../../extension/core/stack/logShipper';
import { shipperFiles } from '../../../extension/core/stack/logShipperConfig';
import { ROOT, etl, projectConfig } from '../helpers/cli';
import { testEsClient } from '../helpers/elasticsearch';

/**
 * No log line lost: lines of the real etl.logger, rotated every ~150 lines, while the shipper (rsyslogd)
 * is SIGKILLed at seeded random points (after k lines, right after a rotation, while its Elasticsearch
 * queue holds lines on disk) and restarted, with and without an Elasticsearch outage: every line is in
 * Elasticsearch exactly once. NOLOSS_SEED=<n> replays a schedule. The lines go to the folder the shipper
 * tails, in files of a step of their own (removed after), under a run id of their own.
 */
const config = projectConfig();
const es = testEsClient(config, 20_000);
const logDir = shippedLogDir(config);
const work = shipperWorkDir(config);
const python = locateRuntimes(config.paths.root, config.paths.cache).python;
const SEED = Number(process.env.NOLOSS_SEED ?? 20261205);
/** 1,200 lines in npm test (its time counts); NOLOSS_LINES=3000 for the figures of docs/logs.md. */
const LINES = Number(process.env.NOLOSS_LINES ?? 1200);
const LINES_PER_SECOND = 200;
/** ~400 bytes a line: a rotation every ~75 lines, all kept (backups are the shipper's slack). */
const ROTATE_BYTES = 30_000;
const SETTLE_WITHIN_MS = 150_000;
const steps: string[] = [];

after(async () => {
  // Whatever happened, leave the shared stack's Elasticsearch and shipper running.
  if ((await es.cluster.health().catch(() => undefined)) === undefined) await startElasticsearch();
  if (!shipperRunning(config)) await etl(['start', 'log-shipper'], { ETL_LOG_DIR: logDir });
  await es.close();
  for (const step of steps) for (const file of stepFiles(step)) rmSync(file, { force: true });
});

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const stepFiles = (step: string) =>
  readdirSync(logDir)
    .filter((name) => name === `${step}.log` || name.startsWith(`${step}.log.`))
    .map((name) => join(logDir, name));

/** The real etl.logger writing `count` lines at a steady rate; reports lines written and rotations. */
function startWriter(step: string, runId: string) {
  const script = [
    'import logging, logging.handlers, time',
    'import etl.logger as L',
    `L.LOG_MAX_BYTES = ${ROTATE_BYTES}`,
    'L.LOG_BACKUP_COUNT = 1000',
    `log = L.setup_logging(${JSON.stringify(step)}, ${JSON.stringify(runId)}, console_level=logging.CRITICAL)`,
    'handler = next(h for h in log.handlers if isinstance(h, logging.handlers.RotatingFileHandler))',
    'roll = handler.doRollover',
    'def announce():\n    roll()\n    print("rotated", flush=True)',
    'handler.doRollover = announce',
    'start = time.monotonic()',
    `for i in range(${LINES}):`,
    '    log.info("no-loss line %d", i)',
    '    if i % 10 == 9:\n        print("wrote", i + 1, flush=True)',
    `    time.sleep(max(0.0, start + (i + 1) / ${LINES_PER_SECOND} - time.monotonic()))`,
  ].join('\n');
  const child = execa(python, ['-c', script], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'src'), ETL_LOG_DIR: logDir },
    buffer: false,
  });
  const progress = { written: 0, rotations: 0, done: false };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'rotated') progress.rotations += 1;
    else if (line.startsWith('wrote ')) progress.written = Number(line.slice(6));
  });
  const finished = child.then(() => {
    progress.done = true;
  });
  return { progress, finished };
}
type Progress = ReturnType<typeof startWriter>['progress'];

/** `etl start elasticsearch`, tried again when it was not healthy in time (the shared 2-core machine). */
async function startElasticsearch(): Promise<void> {
  let start = await etl(['start', 'elasticsearch']);
  for (let retry = 0; retry < 2 && start.exitCode !== 0 && /not healthy after/.test(start.all ?? ''); retry += 1) {
    start = await etl(['start', 'elasticsearch']);
  }
  assert.equal(start.exitCode, 0, start.all);
}

const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

/** 409s the shipper got (impstats, every 5 s), summed over the shipper's runs. */
let resent = 0;

/** SIGKILL of rsyslogd (no shutdown, no saving), then `etl start log-shipper` as a user would. */
async function killAndRestartShipper(): Promise<void> {
  const pid = Number(readFileSync(shipperFiles(work).pid, 'utf8').trim());
  assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /rsyslogd/, `pid ${pid} is the shipper`);
  resent += readShipperCounters(work)?.duplicate ?? 0;
  process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(20);
  const start = await etl(['start', 'log-shipper'], { ETL_LOG_DIR: logDir });
  assert.equal(start.exitCode, 0, start.all);
}

/** The Elasticsearch action's queue holds lines on disk (a segment file with data). */
const queueOnDisk = () =>
  readdirSync(work).some((name) => /^etl-es\.\d+$/.test(name) && statSync(join(work, name)).size > 0);

type Trigger = 'lines' | 'rotation' | 'queue';

/** The kill points: each armed after a seeded number of lines, then fired by its event. */
function schedule(random: () => number, kinds: Trigger[]): { kind: Trigger; afterLines: number }[] {
  return kinds
    .map((kind) => ({ kind, afterLines: Math.floor(LINES * (0.15 + 0.75 * random())) }))
    .sort((a, b) => a.afterLines - b.afterLines);
}

async function until(ready: () => boolean, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!ready() && Date.now() - started < withinMs) await sleep(20);
}

async function fire(point: { kind: Trigger; afterLines: number }, progress: Progress): Promise<string> {
  await until(() => progress.written >= point.afterLines || progress.done, 120_000);
  if (point.kind === 'rotation') {
    const rotations = progress.rotations;
    await until(() => progress.rotations > rotations || progress.done, 10_000);
  }
  if (point.kind === 'queue') await until(queueOnDisk, 5_000);
  const at = `${point.kind} at line ${progress.written} (rotation ${progress.rotations})`;
  await killAndRestartShipper();
  return at;
}

/** The run's documents: how often each event.id and each message is indexed. */
async function indexed(runId: string): Promise<{ ids: Map<string, number>; messages: Map<string, number> }> {
  await es.indices.refresh({ index: 'etl-logs-*', ignore_unavailable: true, allow_no_indices: true });
  const response = await es.search<{ message: string; event?: { id?: string } }>({
    index: 'etl-logs-*',
    size: 10_000,
    query: { term: { 'labels.run_id': runId } },
    _source: ['message', 'event.id'],
  });
  const ids = new Map<string, number>();
  const messages = new Map<string, number>();
  for (const hit of response.hits.hits) {
    const id = hit._source?.event?.id ?? `(none: ${hit._id})`;
    ids.set(id, (ids.get(id) ?? 0) + 1);
    messages.set(hit._source?.message ?? '', (messages.get(hit._source?.message ?? '') ?? 0) + 1);
  }
  return { ids, messages };
}

/** The event.ids of the run in the step's files: what the logger wrote (every backup is kept). */
function writtenIds(step: string, runId: string): string[] {
  return stepFiles(step)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.includes(runId))
    .map((line) => (JSON.parse(line) as { event: { id: string } }).event.id);
}

/** Waits until every line is indexed (or the bound), then a little longer: a late copy would show. */
async function settle(runId: string): Promise<Awaited<ReturnType<typeof indexed>>> {
  const started = Date.now();
  while (Date.now() - started < SETTLE_WITHIN_MS) {
    const { ids } = await indexed(runId).catch(() => ({ ids: new Map() }));
    if (ids.size >= LINES) break;
    await sleep(500);
  }
  await sleep(3000);
  return indexed(runId);
}

async function runScenario(name: string, kinds: Trigger[], outage: boolean): Promise<void> {
  assert.ok(Number.isInteger(SEED), `NOLOSS_SEED must be an integer, not ${process.env.NOLOSS_SEED}`);
  assert.ok(shipperRunning(config), 'the log shipper runs: `etl up --with elasticsearch` first');
  const random = seeded(SEED + (outage ? 1 : 0));
  const step = `noloss-${name}-${process.pid}`;
  const runId = `noloss-${name}-${process.pid}-${Date.now()}`;
  steps.push(step);
  resent = 0;
  const points = schedule(random, kinds);
  const started = Date.now();
  const writer = startWriter(step, runId);
  if (outage) {
    await until(() => writer.progress.written >= LINES * 0.1, 60_000);
    const stop = await etl(['stop', 'elasticsearch']);
    assert.equal(stop.exitCode, 0, stop.all);
  }
  const kills: string[] = [];
  for (const point of points) kills.push(await fire(point, writer.progress));
  await writer.finished;
  if (outage) await startElasticsearch();
  const { ids, messages } = await settle(runId);
  resent += readShipperCounters(work)?.duplicate ?? 0;

  const written = writtenIds(step, runId);
  const lost = written.filter((id) => !ids.has(id));
  const copies = [...ids.values()].reduce((sum, n) => sum + n - 1, 0);
  const sameMessage = [...messages.values()].reduce((sum, n) => sum + n - 1, 0);
  const indexedCount = [...ids.values()].reduce((sum, n) => sum + n, 0);
  console.log(
    `[${name}] seed ${SEED}: written ${written.length}, indexed ${indexedCount}, duplicates ${copies}, ` +
      `lost ${lost.length}; ${kills.length} SIGKILLs (${kills.join('; ')}); ` +
      `409s answered to resends ${resent}; ${Math.round((Date.now() - started) / 1000)} s`,
  );
  assert.equal(written.length, LINES, 'the logger wrote every line into the kept files');
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} lines never indexed`);
  assert.equal(copies, 0, 'an event.id indexed twice');
  assert.equal(sameMessage, 0, 'a line indexed twice');
  assert.equal(indexedCount, LINES);
}

describe('no log line lost: the shipper SIGKILLed at random points, files rotated', { timeout: 600_000 }, () => {
  test('Elasticsearch up: every line indexed exactly once', async () => {
    await runScenario('up', ['lines', 'rotation', 'lines'], false);
  });

  test('Elasticsearch down meanwhile: every line indexed exactly once when it is back', async () => {
    await runScenario('outage', ['lines', 'rotation', 'queue', 'lines'], true);
  });
});
