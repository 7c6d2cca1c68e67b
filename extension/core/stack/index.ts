import { execa } from 'execa';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import type { Stack, StackMode, StackModeSetting } from './backend';
import { nativeStack } from './nativeStack';

/** A Docker engine that answers within 3 s (the CLI alone is not enough). */
export async function dockerAnswers(): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 3000, stdin: 'ignore' });
  return result.exitCode === 0;
}

export async function resolveStackMode(setting: StackModeSetting): Promise<StackMode> {
  if (setting === 'native' || setting === 'compose') return setting;
  return (await dockerAnswers()) ? 'compose' : 'native';
}

/** The stack for a mode setting (`auto` asks Docker). */
export async function openStack(config: EtlConfig, setting: StackModeSetting): Promise<Stack> {
  const mode = await resolveStackMode(setting);
  if (mode === 'native') return nativeStack(config);
  throw new EtlError('compose mode is not wired yet', 'use --mode native');
}
