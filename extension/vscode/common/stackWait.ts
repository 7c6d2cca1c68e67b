import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from './services';

/** Why MinIO does not answer when the stack explains it: stopped, or still starting. */
export type StackWait = 'stackDown' | 'stackStarting';

/**
 * Asks the stack about its MinIO after a failed S3 call. A view then shows a welcome with Start Stack
 * (down) or a "starting" note instead of an error row; undefined means MinIO runs and the error is real, or S3 is
 * external (the active profile): then the view names the endpoint and what to check, never Start Stack.
 */
export async function stackWaitOf(services: EtlServices, view: string): Promise<StackWait | undefined> {
  let state: string | undefined;
  try {
    // An external S3 (the active profile) is never the stack's: no Start Stack welcome, the view shows the error.
    if (services.project().profile.s3.mode === 'external') return undefined;
    state = (await (await services.stack()).status()).find((s) => s.name === 'minio')?.state;
  } catch (error) {
    services.diagnostics.warn(`${view}: cannot read the stack status: ${String(error)}`);
    return undefined;
  }
  if (services.stackStarting && state !== 'running') return 'stackStarting';
  if (state === 'stopped' || state === undefined) return 'stackDown';
  return undefined;
}

/** The Stack view's read says MinIO runs: a view waiting for it (down or starting) reads again. */
export const minioRunning = (statuses: ServiceStatus[]): boolean =>
  statuses.some((s) => s.name === 'minio' && s.state === 'running');
