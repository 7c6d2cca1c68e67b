import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { EtlConfig } from './config';
import { locateRuntimes, requireRuntime } from './runtimes';
import type { StackMode } from './stack/backend';
import { type SchemaName, validated } from './schemas';
import { runEtlModuleInCompose } from './stack/compose/runner';

type ModuleChild = ResultPromise<{ reject: false; stdin: 'ignore'; buffer: false }>;

/** An ETL module run where the stack runs: the project venv natively, the compose `etl` runner otherwise. */
export function runEtlModuleIn(
  mode: StackMode,
  config: EtlConfig,
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): ModuleChild {
  // The resolved mode, so that an extraction records which store its run went to (src/etl/store_identity.py).
  const withMode = { ...env, ETL_STACK_MODE: mode };
  return mode === 'compose'
    ? runEtlModuleInCompose(config, args, withMode, signal)
    : runEtlModule(config, args, withMode, signal);
}

/**
 * Runs `python -m <module> …` of the ETL in the project venv (argument array,
 * PYTHONPATH=<root>/src) as its own process group, so that `signal` stops it
 * and everything it started (spark-submit, the driver JVM). Output is streamed, not buffered.
 */
export function runEtlModule(
  config: EtlConfig,
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): ResultPromise<{ reject: false; stdin: 'ignore'; detached: true; buffer: false }> {
  const root = config.paths.root;
  const python = requireRuntime(locateRuntimes(root, config.paths.cache).python, 'The project Python venv');
  const child = execa(python, args, {
    cwd: root,
    env: { ...process.env, ...env, PYTHONPATH: join(root, 'src'), PYTHONUNBUFFERED: '1' },
    reject: false,
    stdin: 'ignore',
    detached: true,
    buffer: false,
  });
  const onAbort = () => killProcessGroup(child.pid);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  void child.then(() => signal?.removeEventListener('abort', onAbort));
  return child;
}

/**
 * A stdout line of an ETL module as its JSON event, or undefined for anything else (never throws on noise).
 * With a schema of config/ (the extractor's and the transform's events), a JSON line that does not match it is
 * noise too, and `onInvalid` hears why (the field it names) so that a logger can show it.
 */
export function parseJsonEvent<T extends { event: string }>(
  line: string,
  schema?: SchemaName,
  onInvalid?: (reason: string) => void,
): T | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let value: { event?: unknown };
  try {
    value = JSON.parse(trimmed) as { event?: unknown };
  } catch {
    return undefined;
  }
  if (schema) {
    return validated<T>(schema, value, (reason) => onInvalid?.(`progress line ignored: ${reason}: ${trimmed}`));
  }
  return typeof value?.event === 'string' ? (value as T) : undefined;
}

/** SIGTERM to the group, SIGKILL 5 s later for whatever ignored it. */
export function killProcessGroup(pid: number | undefined): void {
  if (!pid) return;
  for (const [name, delay] of [['SIGTERM', 0], ['SIGKILL', 5000]] as const) {
    setTimeout(() => {
      try {
        process.kill(-pid, name);
      } catch {
        /* already gone */
      }
    }, delay).unref();
  }
}
