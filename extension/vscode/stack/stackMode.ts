import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';

export type StackMode = 'compose' | 'native';

/** A Docker engine that answers within 3 s (the CLI alone is not enough). */
async function dockerAnswers(): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 3000, stdin: 'ignore' });
  return result.exitCode === 0;
}

/** `etl.stack.mode`: auto = compose when Docker answers, native otherwise. */
export async function resolveStackMode(): Promise<StackMode> {
  const setting = vscode.workspace.getConfiguration('etl').get<string>('stack.mode', 'auto');
  if (setting === 'compose' || setting === 'native') return setting;
  return (await dockerAnswers()) ? 'compose' : 'native';
}

/**
 * Compose mode: `docker compose up -d` / `down` in the project (argument arrays).
 * docker-compose.yml arrives in a later issue; until then this says so.
 */
export async function composeStack(root: string, action: 'up' | 'down'): Promise<string> {
  if (!['docker-compose.yml', 'compose.yaml', 'compose.yml'].some((f) => existsSync(join(root, f)))) {
    throw new EtlError('compose mode: this project has no docker-compose.yml yet (it comes in a later issue)', 'set "etl.stack.mode": "native" to run the native stack');
  }
  const args = action === 'up' ? ['compose', 'up', '-d'] : ['compose', 'down'];
  const result = await execa('docker', args, { cwd: root, reject: false, all: true, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new EtlError(`docker ${args.join(' ')} failed (exit ${result.exitCode}): ${String(result.all).split('\n').slice(-5).join('\n')}`);
  return String(result.all);
}
