import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter } from '../reporter';

export interface SetupContext {
  root: string;
  cache: string;
  reporter: Reporter;
}

/** One pinned runtime that `etl setup` installs into the cache, idempotently. */
export interface SetupComponent {
  name: string;
  /** A short line for the progress output: what is installed, pinned how. */
  describe: string;
  /** Identifies what is installed: a change (new pin) means reinstall. */
  stamp(ctx: SetupContext): string;
  /** Files that must exist for the component to count as installed. */
  artifacts(ctx: SetupContext): string[];
  install(ctx: SetupContext): Promise<void>;
  /** Only the tests use it (a real VS Code and a browser): `etl setup --tests` or `--only` installs it. */
  testOnly?: boolean;
}

const stampFile = (ctx: SetupContext, component: SetupComponent) =>
  join(ctx.cache, 'stamps', `${component.name}.stamp`);

export function isInstalled(ctx: SetupContext, component: SetupComponent): boolean {
  const file = stampFile(ctx, component);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== component.stamp(ctx)) return false;
  return component.artifacts(ctx).every((path) => existsSync(path));
}

export function markInstalled(ctx: SetupContext, component: SetupComponent): void {
  writeFileSync(stampFile(ctx, component), component.stamp(ctx));
}
