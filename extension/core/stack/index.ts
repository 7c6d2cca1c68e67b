import type { EtlConfig } from '../config';
import type { Stack, StackMode, StackModeSetting } from './backend';
import { composeStack } from './compose/composeStack';
import { engineAnswers } from './compose/provision';
import { nativeStack } from './nativeStack';
import { liveRecord, recordedServices } from './processes';

/** A Docker engine that answers within 3 s (the CLI alone is not enough). */
export const dockerAnswers = (): Promise<boolean> => engineAnswers(3_000);

/** A daemon of this state folder's native stack is alive. */
export const nativeStackRuns = (config: EtlConfig): boolean =>
  recordedServices(config.paths.pids).some((name) => liveRecord(config.paths.pids, name));

/**
 * `auto`: the native stack when one of this state folder runs (so `status`, `down`, a second
 * `up` act on it and no compose stack fights it for its ports), else compose when a Docker
 * engine answers, else native.
 */
export async function resolveStackMode(setting: StackModeSetting, config?: EtlConfig): Promise<StackMode> {
  if (setting === 'native' || setting === 'compose') return setting;
  if (config && nativeStackRuns(config)) return 'native';
  return (await dockerAnswers()) ? 'compose' : 'native';
}

/** The stack for a mode setting (`auto` looks at what runs and asks Docker). */
export async function openStack(config: EtlConfig, setting: StackModeSetting = config.stackMode): Promise<Stack> {
  const mode = await resolveStackMode(setting, config);
  return mode === 'native' ? nativeStack(config) : composeStack(config);
}
