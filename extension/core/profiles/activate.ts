import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_CONTRACT } from '../contract';

const KEY = 'ETL_PROFILE';

/**
 * Sets ETL_PROFILE in `.env`: the line replaced in place (or appended), every other line and the
 * file's mode (600) kept. An empty name returns to `local`.
 */
export function writeActiveProfile(root: string, name: string): string {
  const file = join(root, ENV_CONTRACT.file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = `${KEY}=${name}`;
  const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${KEY}\\s*=`).test(l));
  if (at >= 0) lines[at] = line;
  else lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  writeFileSync(file, lines.join('\n')); // an existing file keeps its mode
  return file;
}
