import { createInterface } from 'node:readline';
import type { EtlConfig } from '../config';
import { CodeError, EtlError, UsageError } from '../errors';
import { hostSourcePath } from '../hostPath';
import { runEtlModuleIn } from '../pythonModule';
import { checkRunId } from '../runId';
import type { StackMode } from '../stack/backend';
import { describeProgress, fetchStages, findDriverUi, summarizeStages, type SparkProgress } from '../spark/restApi';
import { parseTransformLine, type QualityReport, type TransformEvent } from './events';

export interface TransformRequest {
  /** Extraction run id to transform (`--run`); all runs when absent. */
  run?: string;
  /** Id of this transform run (`--run-id`). */
  runId?: string;
  /** Where it runs: the native venv (default) or the compose `etl` runner container. */
  mode?: StackMode;
  /** Extra environment (test buckets, ETL_BACKUP_DIR, …). */
  env?: Record<string, string>;
  /** Run even when nothing changed since the last successful run (else that run is reported, nothing submitted). */
  force?: boolean;
}

export interface TransformCallbacks {
  onEvent?: (event: TransformEvent) => void;
  /** Stage/task progress from the driver's REST API, about once a second while the job runs. */
  onProgress?: (progress: SparkProgress, text: string) => void;
  /** Spark's own log lines (stderr). */
  onLog?: (line: string) => void;
}

export class TransformCancelled extends EtlError {
  constructor() {
    super(
      'transform cancelled; spark-submit was stopped (Delta commits it had made stay; every other gold table keeps ' +
        'its previous snapshot)',
    );
  }
}

export function transformArgs(request: TransformRequest): string[] {
  const args = ['-m', 'etl.submit'];
  // Checked before Spark starts: the ids name the report object, the log fields and the lineage files.
  if (request.run) args.push('--run', checkRunId(request.run, '--run'));
  if (request.runId) args.push('--run-id', checkRunId(request.runId, '--run-id'));
  if (!request.force) args.push('--skip-unchanged');
  return args;
}

/** Polls the driver UI of the running application until stopped; the text names the phase (`phase()`). */
function pollProgress(
  host: string, start: { app_id: string; ui_url: string | null }, onProgress: TransformCallbacks['onProgress'],
  phase: () => string,
): () => void {
  let stopped = false;
  let uiUrl: string | undefined;
  let last = '';
  const tick = async () => {
    while (!stopped) {
      uiUrl ??= await findDriverUi(host, start.app_id, start.ui_url ?? undefined);
      const stages = uiUrl ? await fetchStages(uiUrl, start.app_id) : undefined;
      if (stages && !stopped) {
        const progress = summarizeStages(stages);
        const text = `[${phase()}] ${describeProgress(progress)}`;
        if (text !== last) onProgress?.(progress, text);
        last = text;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
  };
  void tick();
  return () => {
    stopped = true;
  };
}

/**
 * Runs `python -m etl.submit` (argument array, PYTHONPATH=<root>/src) in its own process group,
 * forwards its events, streams stage/task progress from the Spark REST API, and resolves with
 * the quality report. Rejects with the job's own error line, or TransformCancelled on abort.
 */
export async function runTransform(
  config: EtlConfig,
  request: TransformRequest,
  callbacks: TransformCallbacks = {},
  signal?: AbortSignal,
): Promise<QualityReport> {
  const child = runEtlModuleIn(request.mode ?? 'native', config, transformArgs(request), request.env, signal);
  let done: Extract<TransformEvent, { event: 'run_done' }> | undefined;
  let stopPolling = () => {};
  let phase = 'start-up';
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 40) stderrTail.shift();
    callbacks.onLog?.(line);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseTransformLine(line, callbacks.onLog);
    if (!event) return;
    if (event.event === 'phase') phase = event.phase;
    if (event.event === 'run_start') {
      stopPolling = pollProgress(config.bindHost, event, callbacks.onProgress, () => phase);
    }
    if (event.event === 'run_done') {
      done = event;
      stopPolling();
    }
    callbacks.onEvent?.(event);
  });
  try {
    const result = await child;
    if (signal?.aborted) throw new TransformCancelled();
    if (result.exitCode === 0 && done?.status === 'skipped' && done.report) {
      return { ...done.report, report_path: done.report_path ?? undefined, skipped: done.message ?? 'nothing changed' };
    }
    if (result.exitCode === 0 && done?.status === 'succeeded' && done.report)
      return { ...done.report, report_path: done.report_path ?? undefined };
    if (done?.status === 'failed' && done.error && done.file && done.line) {
      throw new CodeError(done.error, hostSourcePath(config, request.mode ?? 'native', done.file), done.line);
    }
    const message = transformError(stderrTail, done?.error ?? null, result.exitCode);
    throw result.exitCode === 2 ? new UsageError(message) : new EtlError(message); // 2: argparse's usage error
  } finally {
    stopPolling();
  }
}

/** The job's own `etl transform: error: …` line when there is one, else the end of stderr. */
export function transformError(stderr: string[], eventError: string | null, exitCode: number | undefined): string {
  const line = [...stderr].reverse().find((l) => l.startsWith('etl transform:'));
  if (line) return line;
  if (eventError) return `etl transform: error: ${eventError}`;
  return `etl transform failed (exit ${exitCode ?? '?'})${stderr.length ? `:\n${stderr.slice(-8).join('\n')}` : ''}`;
}
