import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EtlConfig } from '../config';
import { EtlError, UsageError } from '../errors';
import { parseJsonEvent, runEtlModuleIn } from '../pythonModule';
import type { StackMode } from '../stack/backend';
import type { PreviewEvent, PreviewOutputFields } from './events';

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

/** Where previews are written: the state folder (compose mounts it into the dev session's container). */
export const previewRoot = (config: EtlConfig) => join(config.paths.state, 'preview');
/** The same folder as the compose dev session and runner see it (docker-compose.yml). */
const COMPOSE_PREVIEW_ROOT = '/opt/etl/preview';
const COMPOSE_SOURCE_ROOT = '/opt/etl/src';
/** Previews kept on disk: the newest few (a grid may still read one); older ones go at each new preview. */
export const PREVIEWS_KEPT = 5;

export const newPreviewId = () =>
  `preview-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;

export function previewArgs(source: PreviewSource, out: string, id: string): string[] {
  const picked = [source.run && 'run', source.months && 'months', source.sample && 'sample'].filter(Boolean);
  if (picked.length > 1) throw new UsageError(`choose one of --run, --months and --sample (got ${picked.join(', ')})`);
  const args = ['-m', 'etl.dev.preview', '--out', out, '--preview-id', id];
  if (source.run) args.push('--run', source.run);
  if (source.months) args.push('--months', source.months);
  if (source.sample) args.push('--sample');
  return args;
}

/** Deletes all but the newest `keep` preview folders. */
export function prunePreviews(root: string, keep = PREVIEWS_KEPT): void {
  let entries: { path: string; mtime: number }[];
  try {
    entries = readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name.startsWith('preview-'))
      .map((e) => ({ path: join(root, e.name), mtime: statSync(join(root, e.name)).mtimeMs }));
  } catch {
    return; // no folder yet
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  for (const entry of entries.slice(keep)) rmSync(entry.path, { recursive: true, force: true });
}

/**
 * Runs `python -m etl.dev.preview` where the stack runs (the venv natively, the compose runner otherwise) against
 * the warm dev session, and resolves with where its tables are. Nothing is written to gold. Rejects with a
 * PreviewError (the edited file and line when known) when the code fails, an EtlError otherwise.
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
  const root = previewRoot(config);
  mkdirSync(root, { recursive: true });
  prunePreviews(root, PREVIEWS_KEPT - 1);
  const id = newPreviewId();
  const dir = join(root, id);
  const out = mode === 'compose' ? `${COMPOSE_PREVIEW_ROOT}/${id}` : dir;
  const env = { ...request.env, ...(request.codeDir ? { PYTHONPATH: resolve(request.codeDir) } : {}) };
  const child = runEtlModuleIn(mode, config, previewArgs(request, out, id), env, signal);
  let done: Extract<PreviewEvent, { event: 'preview_done' }> | undefined;
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    if (stderr.length > 40) stderr.shift();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseJsonEvent<PreviewEvent>(line);
    if (!event) return;
    if (event.event === 'preview_done') done = event;
    onEvent?.(event);
  });
  const result = await child;
  if (signal?.aborted) {
    rmSync(dir, { recursive: true, force: true });
    throw new EtlError('preview cancelled (nothing was written to gold)');
  }
  if (result.exitCode === 0 && done?.status === 'succeeded') {
    const { event: _event, preview_id: _id, status: _status, seconds, ...fields } = done;
    return { id, dir, seconds, ...fields };
  }
  rmSync(dir, { recursive: true, force: true });
  if (done?.status === 'failed') {
    const file = done.file ? hostPath(config, mode, done.file) : undefined;
    throw new PreviewError(done.error, file, done.line ?? undefined);
  }
  if (result.exitCode === 2) throw new UsageError(stderr.filter((l) => l.trim()).slice(-2).join('\n'));
  throw new EtlError(
    `etl preview failed (exit ${result.exitCode ?? '?'})${stderr.length ? `:\n${stderr.slice(-8).join('\n')}` : ''}`,
  );
}

/** A path the Python process reported, as this machine sees it (compose: the runner's /opt/etl/src is ./src). */
function hostPath(config: EtlConfig, mode: StackMode, file: string): string {
  if (mode !== 'compose' || !file.startsWith(`${COMPOSE_SOURCE_ROOT}/`)) return file;
  return join(config.paths.root, 'src', relative(COMPOSE_SOURCE_ROOT, file));
}
