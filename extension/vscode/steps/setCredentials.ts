import * as vscode from 'vscode';
import type { S3Credentials } from '../../core/s3/client';
import type { EtlServices } from '../common/services';

/**
 * ETL: Set Credentials — MinIO access key and secret into SecretStorage (never settings);
 * they override .env for the extension's own MinIO client. Empty access key = forget them.
 */
export async function setCredentialsCommand(services: EtlServices, given?: S3Credentials | null): Promise<void> {
  if (given === null) return services.storeCredentials(undefined);
  if (given) return services.storeCredentials(given);
  const accessKey = await vscode.window.showInputBox({
    title: 'MinIO access key',
    prompt: 'Empty: forget stored credentials and use .env',
    ignoreFocusOut: true,
  });
  if (accessKey === undefined) return;
  if (!accessKey) {
    await services.storeCredentials(undefined);
    void vscode.window.showInformationMessage('ETL: stored credentials removed; using .env');
    return;
  }
  const secretKey = await vscode.window.showInputBox({
    title: 'MinIO secret key',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.length >= 8 ? undefined : 'at least 8 characters'),
  });
  if (!secretKey) return;
  await services.storeCredentials({ accessKey, secretKey });
  void vscode.window.showInformationMessage('ETL: credentials stored in VS Code SecretStorage');
}
