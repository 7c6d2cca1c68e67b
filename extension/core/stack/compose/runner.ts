import { randomBytes } from 'node:crypto';
import { execa, type ResultPromise } from 'execa';
import type { EtlConfig } from '../../config';
import { EtlError } from '../../errors';
import { externalStepServices } from '../../profiles';
import { canRunNativeStack, hostPlatform, platformName } from '../platformSupport';
import { composeArgs, composeEnv, composeProject } from './project';

/** Host paths mean nothing in the runner: there the manifest and logs are the mounted ./Backup_data and ./ETL_logs. */
export const HOST_ONLY = new Set([
  'ETL_BACKUP_DIR',
  'ETL_LOG_DIR',
  'ETL_STATE_DIR',
  'ETL_CACHE_DIR',
  'ETL_ENV_FILE',
  'ETL_PROJECT_ROOT',
  'ETL_PYTHON',
]);

/**
 * `docker compose run --rm --no-deps -T etl python <args>`: an ETL module in the compose
 * network (the Spark driver there, reachable by the worker containers), its stdout the same
 * JSON events as natively. Extra settings reach the container by name only (`-e KEY`, the
 * value travels in the environment, never in the arguments). `signal` kills the container.
 */
export function runEtlModuleInCompose(
  config: EtlConfig,
  args: string[],
  env: Record<string, string> = {},
  signal?: AbortSignal,
): ResultPromise<{ reject: false; stdin: 'ignore'; buffer: false }> {
  const external = externalStepServices(config.profile);
  if (external.length > 0) {
    throw new EtlError(
      `profile ${config.profile.name} places ${external.join(' and ')} outside this machine, and the compose runner `
        + 'reaches only the compose stack\'s services',
      canRunNativeStack(hostPlatform())
        ? 'run the step with --mode native (or ETL_STACK_MODE=native): the driver then runs here and reaches them'
        : `run the step from a Linux machine with --mode native (the driver there reaches them): on `
          + `${platformName(hostPlatform())} only the compose stack runs`,
    );
  }
  const passed = {
    ...Object.fromEntries(Object.entries(env).filter(([key]) => !HOST_ONLY.has(key))),
    PYTHONUNBUFFERED: '1',
  };
  const project = composeProject(config);
  const container = `${project.name}-etl-run-${randomBytes(4).toString('hex')}`;
  const runArgs = [
    'run',
    '--rm',
    '--no-deps',
    '-T',
    '--name',
    container,
    ...Object.keys(passed).flatMap((key) => ['-e', key]),
    'etl',
    'python',
    ...args,
  ];
  const child = execa('docker', composeArgs(project, runArgs, ['tools']), {
    env: composeEnv(project, passed),
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  const onAbort = () => void execa('docker', ['kill', container], { reject: false, stdin: 'ignore' });
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  void child.then(() => signal?.removeEventListener('abort', onAbort));
  return child;
}
