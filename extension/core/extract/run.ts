import { createInterface } from 'node:readline';
import type { EtlConfig } from '../config';
import { CodeError, EtlError, UsageError } from '../errors';
import { hostSourcePath } from '../hostPath';
import { runEtlModuleIn } from '../pythonModule';
import type { StackMode } from '../stack/backend';
import { parseEventLine, type ExtractEvent } from './events';

export interface ExtractRequest {
  /** `2024-01..2024-03`, `2024-01`, or a comma list (validated by the extractor). */
  months: string;
  /** `sample` = the committed Data_extracted files; else a URL template with {YYYY} {MM}. */
  source?: { sample: true } | { template: string };
  runId?: string;
  /** The taxi zone lookup CSV: a URL or a local path (default: the extractor's). */
  zones?: string;
  noZones?: boolean;
  /** Where it runs: the native venv (default) or the compose `etl` runner container. */
  mode?: StackMode;
  /** Extra environment (ETL_BACKUP_DIR, ETL_LOG_DIR in tests). */
  env?: Record<string, string>;
}

export interface ExtractResult {
  runId: string;
  files: number;
  bytes: number;
  manifest: string;
}

export class ExtractCancelled extends EtlError {
  constructor() {
    super('extraction cancelled; the extractor was stopped (files finished before stay stored and recorded)');
  }
}

export function extractArgs(request: ExtractRequest): string[] {
  const args = ['-m', 'etl.extract', '--months', request.months, '--progress-json'];
  if (request.source && 'sample' in request.source) args.push('--sample');
  else if (request.source && 'template' in request.source) args.push('--source', request.source.template);
  if (request.runId) args.push('--run-id', request.runId);
  if (request.noZones) args.push('--no-zones');
  else if (request.zones) args.push('--zones', request.zones);
  return args;
}


/**
 * Runs `python -m etl.extract … --progress-json` (argument array, PYTHONPATH=<root>/src),
 * hands each progress event to `onEvent`, and resolves with the run's totals.
 * Rejects with the extractor's own one-line error, or ExtractCancelled when `signal` aborts.
 */
export async function runExtract(
  config: EtlConfig,
  request: ExtractRequest,
  onEvent: (event: ExtractEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<ExtractResult> {
  const child = runEtlModuleIn(request.mode ?? 'native', config, extractArgs(request), request.env, signal);
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  let done: Extract<ExtractEvent, { event: 'run_done' }> | undefined;
  let crashed: Extract<ExtractEvent, { event: 'crashed' }> | undefined;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    const event = parseEventLine(line);
    if (!event) return;
    if (event.event === 'run_done') done = event;
    if (event.event === 'crashed') crashed = event;
    onEvent(event);
  });
  const result = await child;
  if (signal?.aborted) throw new ExtractCancelled();
  if (result.exitCode === 0 && done?.status === 'succeeded')
    return { runId: done.run_id, files: done.files, bytes: done.bytes, manifest: done.manifest };
  if (crashed?.file && crashed.line)
    throw new CodeError(crashed.error, hostSourcePath(config, request.mode ?? 'native', crashed.file), crashed.line);
  const message = extractorError(stderr.join('\n'), done?.error ?? null, result.exitCode);
  throw result.exitCode === 2 ? new UsageError(message) : new EtlError(message); // 2: the extractor's usage error
}

/** The extractor's own `etl extract: error: …` line when there is one. */
export function extractorError(stderr: string, eventError: string | null, exitCode: number | undefined): string {
  const line = stderr.split('\n').reverse().find((l) => l.startsWith('etl extract:'));
  if (line) return line;
  if (eventError) return `etl extract: error: ${eventError}`;
  const tail = stderr.trim().split('\n').slice(-5).join('\n');
  return `etl extract failed (exit ${exitCode ?? '?'})${tail ? `:\n${tail}` : ''}`;
}
