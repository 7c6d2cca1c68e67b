import * as vscode from 'vscode';
import { EtlError } from '../../core/errors';
import type { EtlServices } from '../common/services';
import { secretPicks } from './profileText';

/**
 * ETL: Set Profile Secret — for one variable the active profile names (`…Env`), a value kept in VS Code
 * SecretStorage only: never in settings, files or logs. The extension gives it to the core and to every process
 * it starts under that NAME, unless VS Code's environment sets the variable (which wins). Empty removes it.
 * `given` (tests) skips the prompts.
 */
export async function setProfileSecret(
  services: EtlServices,
  given?: { name: string; value: string },
): Promise<boolean> {
  const { names, stored } = services.profileSecretNames();
  if (!names.length) {
    throw new EtlError('the active profile names no secret variable',
      'only an external service of a profile (etl-profiles.json, `…Env` fields) reads secrets; switch profile first');
  }
  const name = given?.name ?? (await pickName(names, stored));
  if (name === undefined) return false;
  if (!names.includes(name)) {
    throw new EtlError(`the active profile does not name ${name}`, `known: ${names.join(', ')}`);
  }
  const value = given?.value ?? (await askValue(name));
  if (value === undefined) return false;
  await services.storeProfileSecret(name, value);
  if (!given) {
    void vscode.window.showInformationMessage(
      value ? `ETL: ${name} stored in VS Code SecretStorage` : `ETL: ${name} removed from VS Code SecretStorage`,
    );
  }
  return true;
}

async function pickName(names: string[], stored: Record<string, string>): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(secretPicks(names, stored, process.env), {
    title: 'ETL: Set Profile Secret',
    placeHolder: 'the variable of the active profile to store a value for',
  });
  return picked?.label;
}

function askValue(name: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Value of ${name}`,
    prompt: 'Kept in VS Code SecretStorage only. Empty: remove the stored value.',
    password: true,
    ignoreFocusOut: true,
  });
}
