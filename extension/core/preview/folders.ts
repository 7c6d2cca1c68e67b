import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import type { StackMode } from '../stack/backend';
import { composePreviewDir } from '../stack/compose/project';

/**
 * Where a stack's previews live: each preview's tables in a folder of its own, and the preview runner's socket.
 * Natively the state folder's preview/; in compose `<state>/compose/<project>/preview`, mounted into the dev
 * session's container as /opt/etl/preview (each stack's session has its own socket).
 */
export const previewRoot = (config: EtlConfig, mode: StackMode = 'native') =>
  mode === 'compose' ? composePreviewDir(config) : join(config.paths.state, 'preview');
/** The dev session's preview runner (src/etl/dev/worker.py) takes requests there (server.py WORKER_SOCKET). */
export const previewSocket = (config: EtlConfig, mode: StackMode = 'native') =>
  join(previewRoot(config, mode), '.worker.sock');
/** The preview folder as the compose dev session sees it (docker-compose.yml). */
export const COMPOSE_PREVIEW_ROOT = '/opt/etl/preview';
/** Previews kept on disk: the newest few (a grid may still read one); older ones go at each new preview. */
export const PREVIEWS_KEPT = 5;

export const newPreviewId = () =>
  `preview-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;

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
