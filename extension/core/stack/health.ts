import { setTimeout as sleep } from 'node:timers/promises';

export async function fetchJson<T>(url: string, timeoutMs = 2_000): Promise<T | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? ((await response.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function answersOk(url: string, timeoutMs = 2_000): Promise<boolean> {
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
