import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EtlError } from '../errors';
import type { Reporter } from '../reporter';
import { processStartTicks } from './processes';

/**
 * One stack operation at a time per state folder (`etl up`, `down`, `start`, `stop`, from
 * the CLI or the extension): an O_EXCL lock file `<state>/stack.lock` holding the owner's
 * pid and kernel start time. A lock whose owner is gone (crashed, SIGKILLed) is taken over at
 * once: liveness is exact (pid + start time, immune to pid reuse), so there is no heartbeat
 * to keep and no staleness timeout to tune, and a waiter can say who it waits for.
 */
export interface LockOwner {
  pid: number;
  startTicks: string;
  operation: string;
  since: string;
}

const LOCK_FILE = 'stack.lock';
/** Guards the take-over of a dead owner's lock, so two waiters cannot both take it. */
const BREAK_FILE = 'stack.lock.break';
/** A break file older than this was left by a process that died within its few-millisecond job. */
const BREAK_STALE_MS = 10_000;

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

const ownerAlive = (owner: LockOwner) => processStartTicks(owner.pid) === owner.startTicks;

/** Creates `file` only if absent; false when it exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes the lock if its owner is dead (or the file is unreadable, half-written by a crash). */
function breakIfDead(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  const guard = join(dir, BREAK_FILE);
  if (!createExclusive(guard, String(process.pid))) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > BREAK_STALE_MS) rmSync(guard, { force: true });
    } catch {
      /* removed meanwhile */
    }
    return;
  }
  try {
    // Re-read under the guard: another waiter may have broken it and taken it meanwhile.
    const owner = readOwner(lock);
    if (!owner || !ownerAlive(owner)) rmSync(lock, { force: true });
  } finally {
    rmSync(guard, { force: true });
  }
}

function tryAcquire(dir: string, operation: string): boolean {
  const me: LockOwner = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid) ?? '',
    operation,
    since: new Date().toISOString(),
  };
  if (createExclusive(join(dir, LOCK_FILE), JSON.stringify(me))) return true;
  const owner = readOwner(join(dir, LOCK_FILE));
  if (!owner || !ownerAlive(owner)) {
    breakIfDead(dir);
    return createExclusive(join(dir, LOCK_FILE), JSON.stringify(me));
  }
  return false;
}

function ensureStateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.probe-${process.pid}`);
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (error) {
    throw new EtlError(
      `the state folder ${dir} (ETL_STATE_DIR) cannot be written: ${(error as Error).message}`,
      'point ETL_STATE_DIR at a folder you can write, or leave it empty for .etl/ in the project',
    );
  }
}

/**
 * Runs `work` holding the stack lock of `stateDir`. Waits (up to `waitMs`) while another live
 * process holds it, and says once whom it waits for.
 */
export async function withStackLock<T>(
  stateDir: string,
  operation: string,
  reporter: Reporter,
  work: () => Promise<T>,
  waitMs = 15 * 60_000,
): Promise<T> {
  ensureStateDir(stateDir);
  const deadline = Date.now() + waitMs;
  let told = false;
  while (!tryAcquire(stateDir, operation)) {
    const owner = readOwner(join(stateDir, LOCK_FILE));
    if (owner && !told) {
      reporter.step(
        `waiting for \`etl ${owner.operation}\` (pid ${owner.pid}, since ${owner.since}) to finish with the stack ` +
          `in ${stateDir}`,
      );
      told = true;
    }
    if (Date.now() > deadline) {
      throw new EtlError(
        `another stack operation (${owner ? `etl ${owner.operation}, pid ${owner.pid}` : 'unknown'}) still holds ` +
          `${join(stateDir, LOCK_FILE)} after ${Math.round(waitMs / 1000)} s`,
        'wait for it to finish, or stop that process',
      );
    }
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    releaseIfMine(stateDir);
  }
}

function releaseIfMine(dir: string): void {
  const file = join(dir, LOCK_FILE);
  if (readOwner(file)?.pid === process.pid) rmSync(file, { force: true });
}
