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
    // Trusting the workspace lets the stored secrets through (secretEnvironment): the views read them now.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void services.profileChanged()),
    vscode.commands.registerCommand('etlSpark.switchProfile', guarded(services, (name?: string) =>
      switchProfile(services, name))),
    vscode.commands.registerCommand(
      'etlSpark.setProfileSecret',
      guarded(services, (given?: { name: string; value: string }) => setProfileSecret(services, given)),
    ),
  );
  // SecretStorage is asynchronous: the views drawn before it answered are drawn again when it holds secrets.
  void services.loadProfileSecrets().then(async (found) => {
    if (found) await services.profileChanged();
  });
  return statusBar;
}
