import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { execa } from 'execa';
import { ROOT } from './cli';

/**
 * The no-loss scenario of the log shipper, for any stack: lines of the real etl.logger, rotated every ~75 lines,
 * while the shipper is SIGKILLed (or stopped) at seeded random points and started again, with or without an
 * Elasticsearch outage; then every line must be in Elasticsearch exactly once. The stack says how (a shipper's
 * process natively, its container in compose); the lines go to the folder it tails, in files of a step of their
 * own (removed by removeSteps), under a run id of their own.
 */
export interface NoLossStack {
  /** The folder the shipper tails, as the host sees it. */
  logDir: string;
  /** The Python with the ETL's packages (etl.logger writes the lines). */
  python: string;
  es: Client;
  shipperRunning(): Promise<boolean>;
  /** SIGKILL (no shutdown, no saving), then started again as a user would. */
  killAndRestartShipper(): Promise<void>;
  /** A stop with its shutdown (SIGTERM), then a start: the trigger `stop` (absent: not offered). */
  stopAndStartShipper?(): Promise<void>;
  stopElasticsearch(): Promise<void>;
  startElasticsearch(): Promise<void>;
  /** The Elasticsearch action's queue holds lines on disk (a segment file with data). */
  queueOnDisk(): Promise<boolean>;
  /** The 409s the running shipper counted (impstats, every 5 s), undefined when it has not said yet. */
  duplicates(): Promise<number | undefined>;
}

/** The native shipper's Elasticsearch action queue holds lines on disk (a segment file with data in its folder). */
export function nativeQueueOnDisk(work: string): boolean {
  return readdirSync(work).some((name) => /^etl-es\.\d+$/.test(name) && statSync(join(work, name)).size > 0);
}

export type Trigger = 'lines' | 'rotation' | 'queue' | 'stop';

export interface NoLossOptions {
  seed: number;
  lines: number;
  linesPerSecond?: number;
  /** Bytes per log file before the logger rotates it (~400 bytes a line); every backup is kept. */
  rotateBytes?: number;
  settleWithinMs?: number;
}

export interface NoLossResult {
  written: number;
  indexed: number;
  duplicates: number;
  lost: number;
  kills: string[];
  resent: number;
  seconds: number;
}

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

const stepFiles = (logDir: string, step: string) =>
  readdirSync(logDir)
    .filter((name) => name === `${step}.log` || name.startsWith(`${step}.log.`))
    .map((name) => join(logDir, name));

/** The step (log file name) of a scenario: one per scenario and test process. */
export const noLossStep = (name: string) => `noloss-${name}-${process.pid}`;

/** Removes the files of the scenarios' steps (the run ids stay in Elasticsearch, under their own names). */
export function removeSteps(logDir: string, steps: string[]): void {
  for (const step of steps) for (const file of stepFiles(logDir, step)) rmSync(file, { force: true });
}

/** The real etl.logger writing `lines` lines at a steady rate; reports lines written and rotations. */
function startWriter(stack: NoLossStack, options: Required<NoLossOptions>, step: string, runId: string) {
  const script = [
    'import logging, logging.handlers, time',
    'import etl.logger as L',
    `L.LOG_MAX_BYTES = ${options.rotateBytes}`,
    'L.LOG_BACKUP_COUNT = 1000',
    `log = L.setup_logging(${JSON.stringify(step)}, ${JSON.stringify(runId)}, console_level=logging.CRITICAL)`,
    'handler = next(h for h in log.handlers if isinstance(h, logging.handlers.RotatingFileHandler))',
    'roll = handler.doRollover',
    'def announce():\n    roll()\n    print("rotated", flush=True)',
    'handler.doRollover = announce',
    'start = time.monotonic()',
    `for i in range(${options.lines}):`,
    '    log.info("no-loss line %d", i)',
    '    if i % 10 == 9:\n        print("wrote", i + 1, flush=True)',
    `    time.sleep(max(0.0, start + (i + 1) / ${options.linesPerSecond} - time.monotonic()))`,
  ].join('\n');
  const child = execa(stack.python, ['-c', script], {
    env: { ...process.env, PYTHONPATH: join(ROOT, 'src'), ETL_LOG_DIR: stack.logDir },
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

/** The kill points: each armed after a seeded number of lines, then fired by its event. */
function schedule(random: () => number, lines: number, kinds: Trigger[]): { kind: Trigger; afterLines: number }[] {
  return kinds
    .map((kind) => ({ kind, afterLines: Math.floor(lines * (0.15 + 0.75 * random())) }))
    .sort((a, b) => a.afterLines - b.afterLines);
}

async function until(ready: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const started = Date.now();
  while (!(await ready()) && Date.now() - started < withinMs) await sleep(20);
}

/** The run's documents: how often each event.id and each message is indexed. */
async function indexed(es: Client, runId: string) {
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
function writtenIds(logDir: string, step: string, runId: string): string[] {
  return stepFiles(logDir, step)
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter((line) => line.includes(runId))
    .map((line) => (JSON.parse(line) as { event: { id: string } }).event.id);
}

/**
 * Runs one scenario and asserts that every line written is indexed exactly once. `name` names the step and
 * run id (with this process's pid); `kinds` the kill points; `outage`: Elasticsearch is stopped after a tenth of
 * the lines and started once every point fired and the writer finished.
 */
export async function runNoLossScenario(
  stack: NoLossStack,
  name: string,
  kinds: Trigger[],
  outage: boolean,
  opts: NoLossOptions,
): Promise<NoLossResult> {
  const defaults = { linesPerSecond: 200, rotateBytes: 30_000, settleWithinMs: 150_000 };
  const options: Required<NoLossOptions> = { ...defaults, ...opts };
  assert.ok(Number.isInteger(options.seed), `the seed must be an integer, not ${options.seed}`);
  assert.ok(await stack.shipperRunning(), 'the log shipper runs (bring the stack up first)');
  assert.ok(!kinds.includes('stop') || stack.stopAndStartShipper, 'this stack offers no graceful stop');
  const random = seeded(options.seed + (outage ? 1 : 0));
  const step = noLossStep(name);
  const runId = `noloss-${name}-${process.pid}-${Date.now()}`;
  let resent = 0;
  const countResent = async () => {
    resent += (await stack.duplicates()) ?? 0;
  };
  const fire = async (point: { kind: Trigger; afterLines: number }, progress: Progress): Promise<string> => {
    await until(() => progress.written >= point.afterLines || progress.done, 120_000);
    if (point.kind === 'rotation') {
      const rotations = progress.rotations;
      await until(() => progress.rotations > rotations || progress.done, 10_000);
    }
    if (point.kind === 'queue') await until(stack.queueOnDisk, 5_000);
    const at = `${point.kind} at line ${progress.written} (rotation ${progress.rotations})`;
    await countResent();
    if (point.kind === 'stop') await stack.stopAndStartShipper!();
    else await stack.killAndRestartShipper();
    return at;
  };
  const settle = async () => {
    const started = Date.now();
    while (Date.now() - started < options.settleWithinMs) {
      const { ids } = await indexed(stack.es, runId).catch(() => ({ ids: new Map() }));
      if (ids.size >= options.lines) break;
      await sleep(500);
    }
    // A little longer: a late copy would show.
    await sleep(3000);
    return indexed(stack.es, runId);
  };

  const points = schedule(random, options.lines, kinds);
  const started = Date.now();
  const writer = startWriter(stack, options, step, runId);
  try {
    if (outage) {
      await until(() => writer.progress.written >= options.lines * 0.1, 60_000);
      await stack.stopElasticsearch();
    }
    const kills: string[] = [];
    for (const point of points) kills.push(await fire(point, writer.progress));
    await writer.finished;
    if (outage) await stack.startElasticsearch();
    const { ids, messages } = await settle();
    await countResent();

    const written = writtenIds(stack.logDir, step, runId);
    const lost = written.filter((id) => !ids.has(id));
    const result: NoLossResult = {
      written: written.length,
      indexed: [...ids.values()].reduce((sum, n) => sum + n, 0),
      duplicates: [...ids.values()].reduce((sum, n) => sum + n - 1, 0),
      lost: lost.length,
      kills,
      resent,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    const sameMessage = [...messages.values()].reduce((sum, n) => sum + n - 1, 0);
    console.log(
      `[${name}] seed ${options.seed}: written ${result.written}, indexed ${result.indexed}, duplicates ` +
        `${result.duplicates}, lost ${result.lost}; ${kills.length} kills (${kills.join('; ')}); ` +
        `409s answered to resends ${resent}; ${result.seconds} s`,
    );
    assert.equal(result.written, options.lines, 'the logger wrote every line into the kept files');
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} lines never indexed`);
    assert.equal(result.duplicates, 0, 'an event.id indexed twice');
    assert.equal(sameMessage, 0, 'a line indexed twice');
    assert.equal(result.indexed, options.lines);
    return result;
  } finally {
    await writer.finished.catch(() => undefined);
  }
}
