import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_CONTRACT } from '../contract';

const KEY = 'ETL_PROFILE';

/** The env file in force: ETL_ENV_FILE when set (as loadConfig reads it), else <root>/.env. */
export function envFileOf(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV_CONTRACT.fileVariable] || join(root, ENV_CONTRACT.file);
}

/**
 * Sets ETL_PROFILE in the env file in force (`.env`, or ETL_ENV_FILE's): the line replaced in place (or appended),
 * every other line and the file's mode (600) kept. An empty name returns to `local`.
 */
export function writeActiveProfile(root: string, name: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = envFileOf(root, env);
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = `${KEY}=${name}`;
  const at = lines.findIndex((l) => new RegExp(`^\\s*(export\\s+)?${KEY}\\s*=`).test(l));
  if (at >= 0) lines[at] = line;
  else lines.splice(lines.at(-1) === '' ? lines.length - 1 : lines.length, 0, line);
  writeFileSync(file, lines.join('\n')); // an existing file keeps its mode
  return file;
}
