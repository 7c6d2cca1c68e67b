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

/**
 * The Go builds (MinIO, mc: minutes of CPU) run in a lane of their own beside the others (downloads, pip, apt: mostly
 * network and disk), so a fresh machine waits for the longer lane, not the sum. Within a lane one at a time: the Go
 * builds share their module cache, and every apt-get is in the other lane (one dpkg lock).
 */
export const GO_LANE = new Set(['minio', 'mc']);

/** The selected components in lanes that may run side by side. */
export function setupLanes(components: SetupComponent[]): SetupComponent[][] {
  return [components.filter((c) => GO_LANE.has(c.name)), components.filter((c) => !GO_LANE.has(c.name))]
    .filter((lane) => lane.length > 0);
}

/** Installs every selected runtime that is missing, skipping what is already there. */
export async function runSetup(
  root: string, cache: string, reporter: Reporter, only?: string[], withTests = false,
): Promise<SetupResult[]> {
  mkdirSync(join(cache, 'stamps'), { recursive: true });
  const results = await installComponents(selectComponents(only, withTests), { root, cache, reporter });
  pruneGoCaches(cache);
  return results;
}

/**
 * Installs the missing `components`, their lanes side by side; results in the order given. A failure ends its
 * lane; the other lane finishes what it started (what installed stays installed: a rerun goes on from there), then
 * the first failure is thrown.
 */
export async function installComponents(components: SetupComponent[], ctx: SetupContext): Promise<SetupResult[]> {
  const missing = components.filter((c) => !isInstalled(ctx, c));
  const sideBySide = setupLanes(missing).length > 1;
  const results = new Map<string, SetupResult>();
  const outcomes = await Promise.allSettled(setupLanes(components).map(async (lane) => {
    for (const component of lane) results.set(component.name, await installOne(component, ctx, sideBySide));
  }));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  return components.map((c) => results.get(c.name)!);
}

async function installOne(component: SetupComponent, ctx: SetupContext, sideBySide: boolean): Promise<SetupResult> {
  const { reporter } = ctx;
  if (isInstalled(ctx, component)) {
    reporter.step(`${component.name}: already installed — ${component.describe}`);
    return { name: component.name, action: 'present', seconds: 0 };
  }
  const started = Date.now();
  reporter.step(`${component.name}: installing — ${component.describe}`);
  // Two lanes write at once: each output line says whose it is.
  const own: Reporter = sideBySide
    ? { step: reporter.step, detail: (line) => reporter.detail(`[${component.name}] ${line}`) }
    : reporter;
  await component.install({ ...ctx, reporter: own });
  markInstalled(ctx, component);
  const seconds = (Date.now() - started) / 1000;
  reporter.step(`${component.name}: done in ${seconds.toFixed(1)} s`);
  return { name: component.name, action: 'installed', seconds };
}
