import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export async function fetchJson<T>(url: string, timeoutMs = 2_000): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `url` answers 2xx; `caFile`: an https URL whose certificate that CA signed (fetch takes no CA). */
export async function answersOk(url: string, timeoutMs = 2_000, caFile?: string): Promise<boolean> {
  if (caFile && url.startsWith('https:')) return httpsAnswersOk(url, timeoutMs, caFile);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** Polls `check` until it holds; `abort` returns a reason to give up early (the process died). */
export async function waitUntil(
  check: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<'ok' | 'timeout' | string> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return 'ok';
    const reason = options.abort?.();
    if (reason) return reason;
    await sleep(options.intervalMs ?? 500);
  }
  return (await check()) ? 'ok' : 'timeout';
}

function httpsAnswersOk(url: string, timeoutMs: number, caFile: string): Promise<boolean> {
  return new Promise((done) => {
    let ca: Buffer;
    try {
      ca = readFileSync(caFile);
    } catch {
      done(false);
      return;
    }
    const req = request(url, { ca, timeout: timeoutMs }, (response) => {
      response.resume();
      done((response.statusCode ?? 500) < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

/** Whether something accepts a TCP connection on host:port within `timeoutMs`. */
export const portAnswers = (host: string, port: number, timeoutMs = 2_000) => accepts({ host, port }, timeoutMs);

/** Whether something accepts a connection on the Unix socket at `path` within `timeoutMs`. */
export const socketAnswers = (path: string, timeoutMs = 2_000) => accepts({ path }, timeoutMs);

function accepts(target: { host: string; port: number } | { path: string }, timeoutMs: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ ...target, timeout: timeoutMs });
    const end = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('timeout', () => end(false));
    socket.once('error', () => end(false));
  });
}
