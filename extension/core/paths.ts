import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The project root is the nearest folder above `start` that holds `.env.example`. */
export function findProjectRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.env.example')) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no ETL Spark project (a folder with .env.example) at or above ${start}`);
    }
    dir = parent;
  }
}

/** Where `etl setup` installs runtimes: outside the repository, shared by clones. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'etl-spark');
}

export interface ProjectPaths {
  root: string;
  /** Runtime state of the native stack: pids, data, service logs (gitignored). */
  state: string;
  pids: string;
  data: string;
  serviceLogs: string;
  etlLogs: string;
  cache: string;
}

export function projectPaths(root: string, cacheDir: string, stateDir?: string): ProjectPaths {
  const state = stateDir ? resolve(root, stateDir) : join(root, '.etl');
  return {
    root,
    state,
    pids: join(state, 'pids'),
    data: join(state, 'data'),
    serviceLogs: join(state, 'logs'),
    etlLogs: join(root, 'ETL_logs'),
    cache: cacheDir,
  };
}
