import type { EtlConfig } from '../config';
import { externalStepServices } from '../profiles';
import type { Stack, StackMode, StackModeSetting } from './backend';
import { composeStack } from './compose/composeStack';
import { engineAnswers } from './compose/provision';
import { nativeStack } from './nativeStack';
import { assertNativeStackRuns, canRunNativeStack, hostPlatform, type HostPlatform } from './platformSupport';
import { liveRecord, recordedServices } from './processes';

/** A Docker engine that answers within 3 s (the CLI alone is not enough). */
export const dockerAnswers = (): Promise<boolean> => engineAnswers(3_000);

/** A daemon of this state folder's native stack is alive. */
export const nativeStackRuns = (config: EtlConfig): boolean =>
  recordedServices(config.paths.pids).some((name) => liveRecord(config.paths.pids, name));

/**
 * `auto`: native when the profile places S3 or Spark elsewhere (the driver then runs here and reaches
 * them; the compose runner sees only the compose network), or when this state folder's native stack
 * runs (so `status`, `down`, a second `up` act on it and no compose stack fights it for its ports),
 * else compose when a Docker engine answers, else native.
 * Where the native stack cannot run (not Linux), `auto` is compose and `native` fails at once with what to do,
 * before anything downloads Linux builds.
 */
export async function resolveStackMode(
  setting: StackModeSetting, config?: EtlConfig, platform: HostPlatform = hostPlatform(),
): Promise<StackMode> {
  if (setting === 'native') assertNativeStackRuns(platform);
  if (setting === 'native' || setting === 'compose') return setting;
  if (!canRunNativeStack(platform)) return 'compose';
  if (config && externalStepServices(config.profile).length > 0) return 'native';
  if (config && nativeStackRuns(config)) return 'native';
  return (await dockerAnswers()) ? 'compose' : 'native';
}

/** The stack for a mode setting (`auto` looks at what runs and asks Docker). */
export async function openStack(config: EtlConfig, setting: StackModeSetting = config.stackMode): Promise<Stack> {
  const mode = await resolveStackMode(setting, config);
  return mode === 'native' ? nativeStack(config) : composeStack(config);
}
