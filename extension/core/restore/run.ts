import { createInterface } from 'node:readline';
import type { EtlConfig } from '../config';
import { EtlError, UsageError } from '../errors';
import { runEtlModuleIn } from '../pythonModule';
import type { StackMode } from '../stack/backend';
import { parseRestoreLine, type RestoreEvent, type RestoreReport } from './events';
import { restoreArgs, restoreSteps, type RestorePlan } from './plan';

export interface RestoreRequest {
  plan: RestorePlan;
  restoreId: string;
  mode?: StackMode;
  /** Extra environment (test buckets, ETL_LOCK_DIR, …). */
  env?: Record<string, string>;
}

/** What `etl restore` and the VS Code command say when a restore stopped half-way: rerunning finishes it. */
export function partialFailureMessage(beforeRun: string, restored: string[], notRestored: string[], error: string) {
  return new EtlError(
    `restore before run ${beforeRun} stopped: ${error}; restored: ${restored.join(', ') || 'none'}; ` +
      `not restored: ${notRestored.join(', ') || 'none'}`,
    `fix the cause, then run the same restore again (\`etl restore --before-run ${beforeRun}\`): ` +
      'tables already restored are skipped, the others are restored',
  );
}

/**
 * Runs `python -m etl.restore` (argument array; the venv natively, the compose runner otherwise) for the plan's
 * tables, forwards its events, and resolves with the restore report; rejects naming what was and was not restored.
 */
export async function runRestore(
  config: EtlConfig,
  request: RestoreRequest,
  onEvent: (event: RestoreEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<RestoreReport> {
  const { plan } = request;
  const child = runEtlModuleIn(request.mode ?? 'native', config, restoreArgs(plan, request.restoreId), request.env,
    signal);
  let done: Extract<RestoreEvent, { event: 'restore_done' }> | undefined;
  const restored: string[] = [];
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseRestoreLine(line, (why) => stderrTail.push(why));
    if (!event) return;
    if (event.event === 'restore_done') done = event;
    if (event.event === 'table_restored') restored.push(event.table);
    onEvent(event);
  });
  const result = await child;
  if (signal?.aborted) throw new EtlError('restore cancelled', 'run the same restore again to finish it');
  if (result.exitCode === 0 && done?.status === 'succeeded' && done.report)
    return { ...done.report, report_path: done.report_path ?? undefined };
  const own = [...stderrTail].reverse().find((l) => l.startsWith('etl restore:'));
  const error = done?.error ?? own?.replace(/^etl restore: (error: )?/, '');
  if (result.exitCode === 2) throw new UsageError(own ?? `etl restore: usage error (exit 2)`);
  const notRestored = restoreSteps(plan)
    .map((s) => s.table)
    .filter((t) => !restored.includes(t));
  if (restored.length) throw partialFailureMessage(plan.beforeRun, restored, notRestored, error ?? 'failed');
  const message = own ?? `etl restore failed (exit ${result.exitCode ?? '?'}):\n${stderrTail.slice(-8).join('\n')}`;
  throw new EtlError(message, `nothing was restored (${notRestored.join(', ')} unchanged)`);
}
