import * as vscode from 'vscode';
import { LOCAL_PROFILE } from '../../core/profiles';
import { writeActiveProfile } from '../../core/profiles/activate';
import { profileChoices } from '../../core/profiles/choice';
import type { EtlServices } from '../common/services';
import { workspaceRoot } from '../stack/project';
import { profilePicks, type ProfilePick } from './profileText';

/**
 * ETL: Switch Profile — a quick pick of `local` and the profiles of etl-profiles.json; the choice is written to
 * ETL_PROFILE in .env through the core (as `etl profile use`), then every view and the status bar follow.
 * `name` (tests, other commands) skips the quick pick. Returns the active profile afterwards.
 */
export async function switchProfile(services: EtlServices, name?: string): Promise<string | undefined> {
  const root = workspaceRoot();
  const { active, file, profiles } = profileChoices(root);
  const chosen = name ?? (await pickProfile(active, profiles, file));
  if (chosen === undefined) return undefined;
  const known = [LOCAL_PROFILE, ...Object.keys(profiles)];
  if (!known.includes(chosen)) throw new Error(`no profile "${chosen}" in ${file} (known: ${known.join(', ')})`);
  const envFile = writeActiveProfile(root, chosen === LOCAL_PROFILE ? '' : chosen);
  services.diagnostics.info(`active profile: ${chosen} (ETL_PROFILE in ${envFile})`);
  const fromEnv = process.env.ETL_PROFILE;
  if (fromEnv && fromEnv !== chosen) {
    void vscode.window.showWarningMessage(
      `ETL: ETL_PROFILE=${fromEnv} in VS Code's environment wins over .env; start VS Code without it to switch.`,
    );
  }
  await services.profileChanged();
  return chosen;
}

async function pickProfile(active: string, profiles: Parameters<typeof profilePicks>[1], file: string) {
  const picks = profilePicks(active, profiles);
  const picked = await vscode.window.showQuickPick<ProfilePick & vscode.QuickPickItem>(picks, {
    title: 'ETL: Switch Profile',
    placeHolder: `where the services are (profiles from ${file})`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.name;
}
