import * as vscode from 'vscode';
import { guarded } from '../common/notify';
import type { EtlServices } from '../common/services';
import { ProfileStatusBar } from './profileStatusBar';
import { ProfileWatcher } from './profileWatcher';
import { setProfileSecret } from './setProfileSecret';
import { switchProfile } from './switchProfile';

/** The profile area: its status bar item, Switch Profile, Set Profile Secret, the .env/profile file watcher. */
export function registerProfile(context: vscode.ExtensionContext, services: EtlServices): ProfileStatusBar {
  const statusBar = new ProfileStatusBar(services);
  context.subscriptions.push(
    statusBar,
    new ProfileWatcher(services),
    vscode.commands.registerCommand('etl.switchProfile', guarded(services, (name?: string) =>
      switchProfile(services, name))),
    vscode.commands.registerCommand(
      'etl.setProfileSecret',
      guarded(services, (given?: { name: string; value: string }) => setProfileSecret(services, given)),
    ),
  );
  // SecretStorage is asynchronous: the views drawn before it answered are drawn again with the secrets.
  void services.profileChanged();
  return statusBar;
}
