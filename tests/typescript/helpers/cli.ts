import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadConfig, type EtlConfig } from '../../../extension/core/config';
import { findProjectRoot } from '../../../extension/core/paths';

/** Tests run bundled from out/tests: find the project from there. */
export const ROOT = findProjectRoot(__dirname);
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Runs the built `etl` CLI as a user would, never throwing on a non-zero exit. */
export function etl(args: string[], env: Record<string, string> = {}, timeoutMs = 300_000) {
  return execa('node', [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    reject: false,
    timeout: timeoutMs,
    all: true,
  });
}

export const projectConfig = (): EtlConfig => loadConfig(ROOT);

/** Pids of live processes whose command line mentions `needle` (zombies excluded). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(needle) && state !== 'Z') pids.push(Number(entry));
    } catch {
      /* exited while we looked */
    }
  }
  return pids;
}
