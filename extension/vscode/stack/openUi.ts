import * as vscode from 'vscode';
import { secretOf } from '../../core/config';
import type { ServiceStatus } from '../../core/stack/backend';
import type { CatalogName } from '../../core/stack/catalog';
import type { EtlServices } from '../common/services';
import type { ServiceNode } from './serviceNode';

/** The palette's "Open …" commands and the stack service each opens. */
export const UI_SERVICES = {
  minio: 'minio',
  spark: 'spark-master',
  kibana: 'kibana',
  airflow: 'airflow',
} as const satisfies Record<string, CatalogName>;
export type UiName = keyof typeof UI_SERVICES;

/** The .env variables a local UI's sign-in page asks for (the MinIO console, Airflow when its user is set). */
const SIGN_IN: Partial<Record<CatalogName, { user: string; password: string }>> = {
  minio: { user: 'MINIO_ROOT_USER', password: 'MINIO_ROOT_PASSWORD' },
  airflow: { user: 'AIRFLOW_USERNAME', password: 'AIRFLOW_PASSWORD' },
};

async function open(services: EtlServices, service: ServiceStatus): Promise<void> {
  services.diagnostics.info(`opening ${service.url}`);
  await vscode.env.openExternal(vscode.Uri.parse(service.url));
  void signInHint(services, service);
}

/** Which user to sign in as, the password a click away on the clipboard (never shown in the message). */
async function signInHint(services: EtlServices, service: ServiceStatus): Promise<void> {
  const names = SIGN_IN[service.name as CatalogName];
  const config = services.project();
  const user = names && secretOf(config, names.user);
  const password = names && secretOf(config, names.password);
  if (!names || !user || !password) return;
  const choice = await vscode.window.showInformationMessage(
    `ETL: ${service.title} asks you to sign in: user "${user}" (${names.user} in .env), password ${names.password}.`,
    'Copy Password',
  );
  if (choice === 'Copy Password') await vscode.env.clipboard.writeText(password);
}

/** A stopped service's UI does not answer: say so, and offer to start the stack first. */
async function openStopped(services: EtlServices, service: ServiceStatus): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `ETL: ${service.title} is not running, so ${service.url} will not answer.`,
    'Start Stack',
    'Open Anyway',
  );
  if (choice === 'Start Stack') await vscode.commands.executeCommand('etlSpark.startStack');
  else if (choice === 'Open Anyway') await open(services, service);
}

/** Opens a service's UI from the stack's own status (its URL, whether it runs); a row or one of the named UIs. */
export async function openUi(services: EtlServices, target: UiName | ServiceNode): Promise<void> {
  const stack = await services.stack();
  const name = typeof target === 'string' ? UI_SERVICES[target] : target.service.name;
  const service = (await stack.status()).find((s) => s.name === name);
  if (!service) {
    const composeOnly =
      stack.mode === 'native' ? ' It runs with the compose stack: set "etlSpark.stack.mode" to "compose".' : '';
    const choice = await vscode.window.showWarningMessage(
      `ETL: the ${stack.mode} stack has no ${name} service.${composeOnly}`,
      'Open Settings',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'etlSpark.stack.mode');
    return;
  }
  if (!service.url) {
    void vscode.window.showInformationMessage(
      `ETL: ${service.title} has no web page; its output is in the ETL Logs (ETL: Show Logs).`,
    );
    return;
  }
  if (service.state === 'stopped') return openStopped(services, service);
  await open(services, service);
}
