import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_PATHS, ENV_CONTRACT } from './contract';
import { EtlError } from './errors';

/** The project root is the nearest folder above `start` that holds `.env.example`. */
export function findProjectRoot(start: string = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, ENV_CONTRACT.example)) && existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`no ETL Spark project (a folder with .env.example) at or above ${start}`);
    }
    dir = parent;
  }
}

/** The file only an ETL Spark project has: the extension activates on it (package.json activationEvents). */
export const PROJECT_MARKER = join('config', 'contract.json');

/** Whether `folder` is an ETL Spark project's root (or inside one), by its marker. */
export function isProjectFolder(folder: string): boolean {
  try {
    return existsSync(join(findProjectRoot(folder), PROJECT_MARKER));
  } catch {
    return false;
  }
}

/** Where `etl setup` installs runtimes: outside the repository, shared by clones. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, DEFAULT_PATHS.cacheName);
}

export interface ProjectPaths {
  root: string;
  /** Runtime state of the native stack: pids, data, service logs (gitignored). */
  state: string;
  pids: string;
  data: string;
  serviceLogs: string;
  /** The ETL steps' logs: $ETL_LOG_DIR, else ETL_logs/ (as src/etl/logger.py). */
  etlLogs: string;
  /** The extraction manifest's folder: $ETL_BACKUP_DIR, else Backup_data/ (as src/etl/manifest.py). */
  backup: string;
  /** The transform's OpenLineage events: $ETL_LINEAGE_DIR, else <backup>/lineage (as src/etl/lineage/emitter.py). */
  lineage: string;
  cache: string;
}

/** ETL_LOG_DIR and ETL_BACKUP_DIR come from the process environment only, as on the Python side. */
export function projectPaths(
  root: string,
  cacheDir: string,
  stateDir?: string,
  env: NodeJS.ProcessEnv = {},
): ProjectPaths {
  const state = resolve(root, stateDir || DEFAULT_PATHS.stateDir);
  const backup = resolve(root, env.ETL_BACKUP_DIR || DEFAULT_PATHS.backupDir);
  return {
    root,
    state,
    pids: join(state, 'pids'),
    data: join(state, 'data'),
    serviceLogs: join(state, 'logs'),
    etlLogs: resolve(root, env.ETL_LOG_DIR || DEFAULT_PATHS.logDir),
    backup,
    lineage: resolve(root, env.ETL_LINEAGE_DIR || join(backup, 'lineage')),
    cache: cacheDir,
  };
}

/**
 * Every folder the stack and the jobs write, proven writable (created when missing), so a bad
 * setting fails at once with its name and path, not as a hang, an errno or a Python traceback.
 */
export function assertUsableFolders(paths: ProjectPaths): void {
  assertUsableDir('ETL_STATE_DIR', paths.state);
  assertUsableDir('ETL_BACKUP_DIR', paths.backup);
  assertUsableDir('ETL_LOG_DIR', paths.etlLogs);
}

export function assertUsableDir(setting: string, dir: string): void {
  try {
    makeFolders(dir);
    const probe = join(dir, `.write-probe-${process.pid}-${Date.now()}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new EtlError(
      `${setting}: ${dir} is not a usable folder (${folderProblem(error)})`,
      `set ${setting} to a folder this user can write to`,
    );
  }
}

/** mkdir one level at a time: Node's recursive mkdir never returns for a path under /proc. */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  while (!existsSync(current)) {
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (existsSync(current) && !statSync(current).isDirectory())
    throw Object.assign(new Error(current), { code: 'ENOTDIR' });
  for (const folder of missing) mkdirSync(folder);
}

function folderProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  const known: Record<string, string> = {
    ENOENT: 'it cannot be created there',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENOTDIR: 'a file is in the way',
    ENOSPC: 'no space left on the device',
  };
  return (code && known[code]) ?? (error instanceof Error ? error.message : String(error));
}
