import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { EtlError } from '../errors';

/** What `etl up` records about a daemon it started, in `.etl/pids/<service>.json`. */
export interface PidRecord {
  service: string;
  pid: number;
  /** Kernel start time of the pid: tells our process from a recycled pid. */
  startTicks: string;
  command: string[];
  logFile: string;
  startedAt: string;
}

export interface DaemonSpec {
  service: string;
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
}

const pidFile = (pidsDir: string, service: string) => join(pidsDir, `${service}.json`);

/**
 * Every daemon `etl up` starts carries this variable (value: the state folder) in its
 * environment, and so do the children it forks (Spark executors, Airflow's tasks): `etl down`
 * finds through /proc what a crashed `up` left running without a pid file.
 */
export const STACK_MARKER = 'ETL_STACK_STATE_DIR';

/** Field 22 of /proc/<pid>/stat (after the parenthesised command name). */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    return state === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export function isRecordAlive(record: PidRecord): boolean {
  return processStartTicks(record.pid) === record.startTicks;
}

export function readPidRecord(pidsDir: string, service: string): PidRecord | undefined {
  const file = pidFile(pidsDir, service);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}

/** The record of a live daemon; a stale or corrupt pid file is removed. */
export function liveRecord(pidsDir: string, service: string): PidRecord | undefined {
  const record = readPidRecord(pidsDir, service);
  if (record && isRecordAlive(record)) return record;
  rmSync(pidFile(pidsDir, service), { force: true });
  return undefined;
}

export function recordedServices(pidsDir: string): string[] {
  if (!existsSync(pidsDir)) return [];
  return readdirSync(pidsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
}

/**
 * Starts a daemon in its own process group (so stopping it also stops the
 * children it forks, such as Spark executors), output appended to its log.
 */
export function startDaemon(pidsDir: string, stateDir: string, spec: DaemonSpec): PidRecord {
  mkdirSync(pidsDir, { recursive: true });
  const out = openSync(spec.logFile, 'a');
  try {
    // Node's own detached spawn: the daemon outlives this process and writes straight to its log fd.
    const env = { ...spec.env, [STACK_MARKER]: stateDir };
    const child = spawn(spec.file, spec.args, { cwd: spec.cwd, env, detached: true, stdio: ['ignore', out, out] });
    child.on('error', () => {});
    child.unref();
    if (!child.pid)
      throw new EtlError(
        `could not start ${spec.service}: ${spec.file} did not run`,
        'run `etl setup` to (re)install it',
      );
    const startTicks = processStartTicks(child.pid);
    if (!startTicks) throw new EtlError(`${spec.service} exited at once`, `see ${spec.logFile}`);
    const record: PidRecord = {
      service: spec.service,
      pid: child.pid,
      startTicks,
      command: [spec.file, ...spec.args],
      logFile: spec.logFile,
      startedAt: new Date().toISOString(),
    };
    writeRecordOrKill(pidsDir, record);
    return record;
  } finally {
    closeSync(out);
  }
}

/** A daemon whose pid file cannot be written is killed at once: none runs unrecorded. */
function writeRecordOrKill(pidsDir: string, record: PidRecord): void {
  const file = pidFile(pidsDir, record.service);
  try {
    // Written whole under a temporary name, then renamed: a reader never sees half a record.
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
    renameSync(`${file}.tmp`, file);
  } catch (error) {
    try {
      process.kill(-record.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    throw new EtlError(
      `could not record ${record.service} in ${file}: ${(error as Error).message}; stopped it`,
      'make the state folder (ETL_STATE_DIR) writable',
    );
  }
}

/** Reads a /proc file of a process, undefined when it is gone or not ours to read. */
function procText(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Live processes that carry our marker for `stateDir` (whether recorded or not), this process excluded. */
export function markedProcesses(stateDir: string): number[] {
  const needle = `${STACK_MARKER}=${stateDir}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const pid = Number(entry);
    if (!processStartTicks(pid)) continue;
    if (procText(pid, 'environ')?.split('\0').includes(needle)) found.push(pid);
  }
  return found;
}

/** SIGTERM to each, SIGKILL after the grace period to those still alive. */
export async function stopProcesses(pids: number[], graceMs = 15_000): Promise<void> {
  const ticks = new Map(pids.map((pid) => [pid, processStartTicks(pid)]));
  const alive = () => pids.filter((pid) => ticks.get(pid) !== undefined && processStartTicks(pid) === ticks.get(pid));
  const signal = (name: NodeJS.Signals) => {
    for (const pid of alive()) {
      try {
        process.kill(pid, name);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length && Date.now() < deadline) await sleep(100);
  signal('SIGKILL');
  while (alive().length && Date.now() < deadline + 5_000) await sleep(100);
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupExists(pgid)) return true;
    await sleep(100);
  }
  return !groupExists(pgid);
}

/** SIGTERM to the whole process group, SIGKILL after a grace period; removes the pid file. */
export async function stopDaemon(pidsDir: string, record: PidRecord, graceMs = 15_000): Promise<void> {
  if (isRecordAlive(record) || groupExists(record.pid)) {
    try {
      process.kill(-record.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    if (!(await waitGroupGone(record.pid, graceMs))) {
      try {
        process.kill(-record.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await waitGroupGone(record.pid, 5_000);
    }
  }
  rmSync(pidFile(pidsDir, record.service), { force: true });
}

/** The last lines of a service log, to explain why it did not come up (Java stack frames left out). */
export function logTail(logFile: string, lines = 15): string {
  try {
    const text = readFileSync(logFile, 'utf8').trimEnd().split('\n');
    return text.filter((line) => !/^\s+(at |\.\.\. \d+ more)/.test(line)).slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
