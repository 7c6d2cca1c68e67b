import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** How much of a service log's end is read for its supervisor's lines: many restarts, never the whole file. */
const TAIL_BYTES = 256 * 1024;
// A line of native Airflow's supervisor (src/etl/airflow_supervisor.py) about a process it started again.
const RESTART =
  /^airflow supervisor \[([^\]]+)\]: (Airflow's .+? \(pid \d+\) (?:was killed by \S+|exited with status -?\d+|stopped (?:heartbeating|answering) for \d+ s and was killed by its supervisor)); started it/;

/**
 * What `etl status` and the Stack view say under a service its supervisor restarted since the service started:
 * the last restart (which process, how it ended, when) and how many there were. Undefined when none.
 */
export function restartNote(logText: string, since: string): string | undefined {
  const from = Date.parse(since);
  const restarts = logText
    .split('\n')
    .map((line) => RESTART.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && Date.parse(m[1]) >= from - 1000);
  const last = restarts.at(-1);
  if (!last) return undefined;
  const at = last[1].slice(11, 19);
  const count = restarts.length === 1 ? 'once' : `${restarts.length} times`;
  return `${last[2]} at ${at} UTC; its supervisor started it again (restarted ${count} since the service started)`;
}

/** The end of a log file ('' when it cannot be read: a note is never worth an error). */
export function logEnd(file: string, bytes = TAIL_BYTES): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
