import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EtlConfig } from '../config';
import { EtlError, UsageError } from '../errors';
import { hostSourcePath } from '../hostPath';
import { ENV_CONTRACT } from '../contract';
import type { StackMode } from '../stack/backend';
import { composeProjectName } from '../stack/compose/project';
import { HOST_ONLY } from '../stack/compose/runner';
import { type PreviewEvent, type PreviewOutputFields, parsePreviewLine } from './events';
import {
  COMPOSE_PREVIEW_ROOT, PREVIEWS_KEPT, newPreviewId, previewRoot, previewSocket, prunePreviews,
} from './folders';

/** What a preview reads: one of them, or none for the last extraction run. */
export interface PreviewSource {
  run?: string;
  months?: string;
  sample?: boolean;
}

export interface PreviewRequest extends PreviewSource {
  mode?: StackMode;
  /** The folder holding the `etl` package to run (default: the project's src/): a scratch copy, natively. */
  codeDir?: string;
  /** Settings for this preview (buckets, ETL_BACKUP_DIR …), over the caller's own. */
  env?: Record<string, string>;
}

/** A preview's tables, written as Parquet under `dir` (this machine's path), one folder per gold table. */
export interface PreviewOutput extends PreviewOutputFields {
  id: string;
  dir: string;
  seconds: number;
}

/** The edited code failed: its message, and where (a path of this machine) when the traceback says. */
export class PreviewError extends EtlError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}:${line}: ${message}` : message, file ? 'fix the code there, then preview again' : undefined);
    this.name = 'PreviewError';
  }
}

export function previewArgs(source: PreviewSource, out: string, id: string): string[] {
  const picked = [source.run && 'run', source.months && 'months', source.sample && 'sample'].filter(Boolean);
  if (picked.length > 1) throw new UsageError(`choose one of --run, --months and --sample (got ${picked.join(', ')})`);
  const args = ['--out', out, '--preview-id', id];
  if (source.run) args.push('--run', source.run);
  if (source.months) args.push('--months', source.months);
  if (source.sample) args.push('--sample');
  return args;
}

/**
 * Asks the dev session's preview runner (src/etl/dev/worker.py, on its Unix socket) for a preview and resolves
 * with where its tables are. The runner imports the working tree (or `codeDir`) afresh; nothing is written to
 * gold. Rejects with a PreviewError (the edited file and line when known) when the code fails, an EtlError
 * otherwise. Aborting hangs up, which interrupts the preview's Spark jobs.
 */
export async function runPreview(
  config: EtlConfig,
  request: PreviewRequest,
  onEvent?: (event: PreviewEvent) => void,
  signal?: AbortSignal,
): Promise<PreviewOutput> {
  const mode = request.mode ?? 'native';
  if (mode === 'compose' && request.codeDir)
    throw new UsageError('--code works with the native stack only (compose runs the mounted ./src)');
  const root = previewRoot(config, mode);
  mkdirSync(root, { recursive: true });
  prunePreviews(root, PREVIEWS_KEPT - 1);
  const id = newPreviewId();
  const dir = join(root, id);
  const out = mode === 'compose' ? `${COMPOSE_PREVIEW_ROOT}/${id}` : dir;
  const message = {
    args: previewArgs(request, out, id),
    code: request.codeDir ? resolve(request.codeDir) : null,
    env: callerEnv(mode, request.env),
    // Natively these are all the caller's settings: the runner hides its own others (those of whoever started it).
    exclusive: mode !== 'compose',
  };
  let done: Extract<PreviewEvent, { event: 'preview_done' }> | undefined;
  try {
    await exchange(previewSocket(config, mode), message, signal, (line) => {
      const event = parsePreviewLine(line);
      if (event?.event === 'preview_done') done = event;
      if (event) onEvent?.(event);
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  if (done?.status === 'succeeded') {
    const { event: _event, preview_id: _id, status: _status, seconds, ...fields } = done;
    return { id, dir, seconds, ...fields };
  }
  rmSync(dir, { recursive: true, force: true });
  if (done?.status === 'failed') {
    const file = done.file ? hostSourcePath(config, mode, done.file) : undefined;
    throw new PreviewError(done.error, file, done.line ?? undefined);
  }
  const log =
    mode === 'compose'
      ? `\`docker compose -p ${composeProjectName()} logs spark-connect\``
      : join(config.paths.serviceLogs, 'spark-connect.log');
  throw new EtlError(
    'the dev session ended the preview without an answer',
    `see ${log}, then \`etl stop spark-connect${mode === 'compose' ? ' --mode compose' : ''}\` and preview again`,
  );
}

/**
 * The settings the preview runs with: natively this process's own (what it reads of .env's keys, the
 * profile, ETL_BACKUP_DIR …) and `extra`; in compose only `extra`, without host paths (as the compose runner).
 * The runner has its own environment; a preview runs with the caller's, as a spawned process would.
 */
export function callerEnv(mode: StackMode, extra: Record<string, string> = {}): Record<string, string> {
  const { fileKeys, optionalKeys, processOnly, overridePrefixes } = ENV_CONTRACT;
  const known = new Set<string>([...fileKeys, ...optionalKeys, ...processOnly]);
  const relevant = (key: string) => known.has(key) || overridePrefixes.some((prefix) => key.startsWith(prefix));
  const own = Object.entries(process.env).filter(
    (entry): entry is [string, string] => mode !== 'compose' && entry[1] !== undefined && relevant(entry[0]),
  );
  const env = { ...Object.fromEntries(own), ...extra };
  return mode === 'compose' ? Object.fromEntries(Object.entries(env).filter(([key]) => !HOST_ONLY.has(key))) : env;
}

/** Sends one JSON line, hands each answered line to `onLine` until the runner closes the socket. */
function exchange(path: string, message: object, signal: AbortSignal | undefined, onLine: (line: string) => void) {
  return new Promise<void>((resolveDone, reject) => {
    const socket = connect({ path });
    const onAbort = () => {
      socket.destroy();
      reject(new EtlError('preview cancelled (nothing was written to gold)'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => socket.write(`${JSON.stringify(message)}\n`));
    createInterface({ input: socket }).on('line', onLine);
    socket.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EtlError(
          `the dev session's preview runner does not answer at ${path} (${error.code ?? error.message})`,
          'start it with `etl up --with dev` (`etl preview` starts it itself), or see `etl status`',
        ),
      ),
    );
    socket.once('close', () => {
      signal?.removeEventListener('abort', onAbort);
      resolveDone();
    });
  });
}
