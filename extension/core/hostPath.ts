import { join, relative } from 'node:path';
import type { EtlConfig } from './config';
import type { StackMode } from './stack/backend';

/** Where the compose `etl` runner and dev session see the project's src/ (docker-compose.yml mounts ./src there). */
export const COMPOSE_SOURCE_ROOT = '/opt/etl/src';

/** A source path a Python process reported, as this machine sees it (compose: the container's /opt/etl/src is src/). */
export function hostSourcePath(config: EtlConfig, mode: StackMode, file: string): string {
  if (mode !== 'compose' || !file.startsWith(`${COMPOSE_SOURCE_ROOT}/`)) return file;
  return join(config.paths.root, 'src', relative(COMPOSE_SOURCE_ROOT, file));
}
