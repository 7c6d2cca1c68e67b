import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors';
import type { Reporter } from '../reporter';
import { isInstalled, markInstalled, type SetupComponent, type SetupContext } from './component';
import { airflow } from './airflow';
import { elasticsearch } from './elasticsearch';
import { logShipper } from './logShipper';
import { minioClient, minioServer, pruneGoCaches } from './goTools';
import { openLineageSpark } from './openLineageSpark';
import { pythonVenv } from './pythonVenv';
import { sparkJars } from './sparkJars';
import { vscodeTools } from './vscodeTools';

export const SETUP_COMPONENTS: SetupComponent[] = [
  pythonVenv, sparkJars, minioServer, minioClient, elasticsearch, logShipper, airflow, vscodeTools, openLineageSpark,
];

export interface SetupResult {
  name: string;
  action: 'installed' | 'present';
  seconds: number;
}

/** `only` by name; else every runtime, and the test tools too when `withTests`. */
export function selectComponents(only?: string[], withTests = false): SetupComponent[] {
  if (!only?.length) return SETUP_COMPONENTS.filter((c) => withTests || !c.testOnly);
  const known = SETUP_COMPONENTS.map((c) => c.name);
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length)
    throw new UsageError(`unknown setup component(s): ${unknown.join(', ')}`, `known: ${known.join(', ')}`);
  return SETUP_COMPONENTS.filter((c) => only.includes(c.name));
}

/** Installs every selected runtime that is missing, skipping what is already there. */
export async function runSetup(
  root: string, cache: string, reporter: Reporter, only?: string[], withTests = false,
): Promise<SetupResult[]> {
  mkdirSync(join(cache, 'stamps'), { recursive: true });
  const ctx: SetupContext = { root, cache, reporter };
  const results: SetupResult[] = [];
  for (const component of selectComponents(only, withTests)) {
    const started = Date.now();
    if (isInstalled(ctx, component)) {
      reporter.step(`${component.name}: already installed — ${component.describe}`);
      results.push({ name: component.name, action: 'present', seconds: 0 });
      continue;
    }
    reporter.step(`${component.name}: installing — ${component.describe}`);
    await component.install(ctx);
    markInstalled(ctx, component);
    const seconds = (Date.now() - started) / 1000;
    reporter.step(`${component.name}: done in ${seconds.toFixed(1)} s`);
    results.push({ name: component.name, action: 'installed', seconds });
  }
  pruneGoCaches(cache);
  return results;
}
