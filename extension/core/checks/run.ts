import type { EtlConfig } from '../config';
import { EtlError, UsageError } from '../errors';
import { runEtlModuleIn } from '../pythonModule';
import type { StackMode } from '../stack/backend';
import { parseCheckRun, type CheckRun } from './results';

/** `python -m etl.checks` arguments (argument array: a check name is never shell text). */
export function checkArgs(only: string[] = []): string[] {
  return ['-m', 'etl.checks', '--json', ...only.flatMap((name) => ['--only', name])];
}

/**
 * Runs the checks on current gold (`python -m etl.checks --json` where the stack runs, the project venv natively:
 * the current Delta files downloaded to the cache, queried with DuckDB) and resolves with every result; exit 1
 * with a result list is "an error check failed", not a failure of the command. Rejects when they could not run.
 */
export async function runChecks(config: EtlConfig, only: string[] = [], mode: StackMode = 'native',
  env: Record<string, string> = {}, signal?: AbortSignal): Promise<CheckRun> {
  const child = runEtlModuleIn(mode, config, checkArgs(only), env, signal);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const result = await child;
  const own = stderr.join('').split('\n').reverse().find((line) => line.startsWith('etl check:'))
    ?.replace(/^etl check: (error: )?/, '');
  if (result.exitCode === 2) throw new UsageError(own ?? 'etl check: usage error (exit 2)');
  const json = stdout.join('').split('\n').find((line) => line.startsWith('{'));
  if ((result.exitCode === 0 || result.exitCode === 1) && json) return parseCheckRun(json);
  throw new EtlError(own ?? `etl check failed (exit ${result.exitCode ?? '?'}): ${stderr.join('').slice(-800)}`);
}
