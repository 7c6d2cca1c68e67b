import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';

/** A `(file.py:42)` code origin inside a formatted log line (see formatRecord). */
export interface OriginMatch {
  /** Offsets of `file.py:42` in the line (without the parentheses). */
  start: number;
  end: number;
  file: string;
  line: number;
}

const ORIGIN = /\(([^()\s:]+\.py):(\d+)\)/g;

/** Every code origin in one line of text (the "ETL Logs" channel, the search results). */
export function findOrigins(text: string): OriginMatch[] {
  const found: OriginMatch[] = [];
  for (const match of text.matchAll(ORIGIN)) {
    const start = (match.index ?? 0) + 1;
    found.push({ start, end: start + match[1].length + 1 + match[2].length, file: match[1], line: Number(match[2]) });
  }
  return found;
}

/** The project's Python: where an ETL log line can come from. */
const CODE_FOLDERS = ['src', 'dags', 'scripts', 'tests'];
const SKIP = new Set(['__pycache__', 'node_modules', '.git', '.venv']);

function findByName(dir: string, name: string, depth = 0): string | undefined {
  if (depth > 8 || !existsSync(dir)) return undefined;
  const entries = readdirSync(dir, { withFileTypes: true });
  const direct = entries.find((e) => e.isFile() && e.name === name);
  if (direct) return join(dir, direct.name);
  for (const entry of entries) {
    if (!entry.isDirectory() || SKIP.has(entry.name)) continue;
    const found = findByName(join(dir, entry.name), name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The file a log origin names. ecs-logging records the base name only (`run.py`), so it is looked
 * for under the project's code folders, src/ first; an absolute or relative path is taken as is.
 */
export function locateOrigin(root: string, file: string): string | undefined {
  const direct = isAbsolute(file) ? file : join(root, file);
  if (file.includes('/') && existsSync(direct) && statSync(direct).isFile()) return direct;
  for (const folder of CODE_FOLDERS) {
    const found = findByName(join(root, folder), basename(file));
    if (found) return found;
  }
  return undefined;
}
