import { AirflowUnreachable } from './client';

/**
 * How long a followed run's watch waits out an Airflow that stopped answering in time (a hung API server): native
 * Airflow's supervisor kills one silent for 40 s and starts it again (src/etl/airflow_supervisor.py), seconds later.
 */
export const HANG_WAIT_MS = 120_000;

/** Why Airflow could not be reached (ECONNREFUSED, TimeoutError, …); undefined for any other error. */
export function unreachableCause(error: unknown): string | undefined {
  return error instanceof AirflowUnreachable ? error.code : undefined;
}

/**
 * The calls of a run's watch that fail. A timeout is a hang, waited out for up to `boundMs` from the first one, and
 * so is a refusal after it (the restart under way). A refusal first is an Airflow that was stopped: never waited for
 * (fail fast), as is any other error.
 */
export class HangWait {
  private since: number | undefined;

  constructor(
    readonly boundMs = HANG_WAIT_MS,
    readonly now: () => number = Date.now,
  ) {}

  /** True while this watch waits for Airflow to answer again. */
  get waiting(): boolean {
    return this.since !== undefined;
  }

  /** Seconds since Airflow last answered this watch (0 while it answers). */
  get silentS(): number {
    return this.since === undefined ? 0 : Math.round((this.now() - this.since) / 1000);
  }

  /** Whether to ask again after `error`, of a call made at `askedAt` (the silence starts there): a hang within the
   * bound. */
  waitsAfter(error: unknown, askedAt: number): boolean {
    const cause = unreachableCause(error);
    if (cause === undefined) return false;
    if (this.since === undefined) {
      if (cause !== 'TimeoutError') return false;
      this.since = askedAt;
    }
    return this.now() - this.since < this.boundMs;
  }

  answered(): void {
    this.since = undefined;
  }
}

/**
 * `ask` once, for a watch (`what`: "run <id>", "backfill 3"): its answer, or undefined when it failed as a hang the
 * watch waits out. `note` tells the user when the wait starts and when Airflow answers again; other errors throw.
 */
export async function askThroughHang<T>(
  hang: HangWait,
  ask: () => Promise<T>,
  note: (text: string) => void,
  what: string,
): Promise<T | undefined> {
  const askedAt = hang.now();
  try {
    const answer = await ask();
    if (hang.waiting) note(`Airflow answers again, after ${hang.silentS} s without an answer; following ${what}`);
    hang.answered();
    return answer;
  } catch (error) {
    const first = !hang.waiting;
    if (!hang.waitsAfter(error, askedAt)) throw error;
    if (first) {
      note(`${(error as Error).message}: waiting up to ${Math.round(hang.boundMs / 1000)} s for it to answer again `
        + "(the ETL stack's Airflow restarts a hung API server itself); the run goes on meanwhile");
    }
    return undefined;
  }
}
