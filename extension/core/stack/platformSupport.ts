import { EtlError } from '../errors';
import type { StackModeSetting } from './backend';

/** The machine the CLI or the extension runs on (a parameter, so the rules are tested for every platform). */
export interface HostPlatform {
  os: NodeJS.Platform;
  arch: string;
}

export const hostPlatform = (): HostPlatform => ({ os: process.platform, arch: process.arch });

export const platformName = (p: HostPlatform): string => `${p.os}-${p.arch}`;

/** `etl setup` installs Linux builds (MinIO, Spark daemons, rsyslog, Elasticsearch, Airflow): only Linux runs them. */
export const canRunNativeStack = (p: HostPlatform): boolean => p.os === 'linux';

/**
 * ETL_STACK_MODE when .env leaves it empty: native where it runs; elsewhere compose, so the extension works
 * out of the box with Docker instead of failing on the first Start Stack.
 */
export const defaultStackModeSetting = (p: HostPlatform): StackModeSetting =>
  canRunNativeStack(p) ? 'native' : 'compose';

/** What a user reads when they ask for the native stack (or its set-up) where it cannot run. */
export function nativeStackUnsupported(p: HostPlatform): EtlError {
  return new EtlError(
    `the native stack runs on Linux only (the MinIO, Spark, Elasticsearch, Airflow and rsyslog builds etl setup `
      + `installs), and this machine is ${platformName(p)}`,
    'use the compose stack (Docker): the VS Code setting "etlSpark.stack.mode": "compose", ETL_STACK_MODE=compose '
      + 'in .env, or --mode compose; or browse your team\'s cluster through a profile (etl profile use NAME, '
      + 'README "Run against your cluster")',
  );
}

/** Throws the message above unless the native stack runs here. */
export function assertNativeStackRuns(p: HostPlatform): void {
  if (!canRunNativeStack(p)) throw nativeStackUnsupported(p);
}
