import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import { EtlError } from '../../core/errors';
import { STACK_MODE_SETTINGS, type Stack, type StackMode, type StackModeSetting } from '../../core/stack/backend';
import { openStack, resolveStackMode } from '../../core/stack/index';

/** How long an `auto` answer ("does Docker answer?") is trusted: the views refresh often, `docker info` is slow. */
const AUTO_ANSWER_MS = 15_000;

/**
 * `etlSpark.stack.mode` when the user set it (user, workspace or folder settings); undefined leaves the choice to .env.
 */
function explicitSetting(): StackModeSetting | undefined {
  const inspected = vscode.workspace.getConfiguration('etlSpark').inspect<string>('stack.mode');
  const value = inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
  if (value === undefined) return undefined;
  if (!(STACK_MODE_SETTINGS as readonly string[]).includes(value)) {
    throw new EtlError(
      `the setting etl.stack.mode is "${value}"`,
      `set it to one of ${STACK_MODE_SETTINGS.join(', ')}`,
    );
  }
  return value as StackModeSetting;
}

/**
 * The mode setting in force: the VS Code setting when set, else .env's ETL_STACK_MODE (core config, default native).
 */
export function stackModeSetting(config: EtlConfig): StackModeSetting {
  return explicitSetting() ?? config.stackMode;
}

/**
 * Opens the project's stack through the core (`openStack`). `auto` is resolved once per
 * AUTO_ANSWER_MS and again whenever asked to (`fresh`: Start Stack, Refresh), so a Docker
 * engine started later is picked up without asking Docker on every view refresh.
 */
export class WorkspaceStack {
  private resolved: { setting: StackModeSetting; mode: StackMode; at: number } | undefined;

  async open(config: EtlConfig, fresh = false): Promise<Stack> {
    const setting = stackModeSetting(config);
    const known = this.resolved;
    const reuse = !fresh && known?.setting === setting && Date.now() - known.at < AUTO_ANSWER_MS;
    const mode = reuse ? known.mode : await resolveStackMode(setting, config);
    this.resolved = { setting, mode, at: reuse ? known.at : Date.now() };
    return openStack(config, mode);
  }

  forget(): void {
    this.resolved = undefined;
  }
}
