/** What stops a step from outside: Ctrl-C, `kill`/`timeout` (SIGTERM), a closed terminal (SIGHUP). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `work` with a signal that any stop signal aborts. The ETL's children run in their own process
 * group (core/pythonModule.ts), so without this a SIGTERM to the CLI would orphan spark-submit and its
 * driver, which would keep the transform lock and the cluster's cores.
 */
export async function withStopSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  for (const name of STOP_SIGNALS) process.once(name, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of STOP_SIGNALS) process.off(name, onSignal);
  }
}
