import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import type { S3Credentials } from '../../core/s3/client';
import { workspaceProject } from '../stack/project';

const SECRET_KEY = 'etl.minio.credentials';

/** What every area shares: the diagnostics channel, the project, the stored credentials, the running step. */
export class EtlServices {
  readonly diagnostics: vscode.LogOutputChannel;
  private readonly stepEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onStepChanged = this.stepEmitter.event;
  private readonly credentialsEmitter = new vscode.EventEmitter<void>();
  readonly onCredentialsChanged = this.credentialsEmitter.event;
  runningStep: string | undefined;
  /** The last error a step reported (tests read it; users see the notification). */
  lastError: string | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.diagnostics = vscode.window.createOutputChannel('ETL', { log: true });
    context.subscriptions.push(this.diagnostics, this.stepEmitter, this.credentialsEmitter);
  }

  /** Re-read every time: .env and the process environment may change while VS Code runs. */
  project(): EtlConfig {
    return workspaceProject();
  }

  hasProject(): boolean {
    try {
      this.project();
      return true;
    } catch {
      return false;
    }
  }

  /** SecretStorage credentials, which override .env for everything the extension does with MinIO. */
  async credentials(): Promise<S3Credentials | undefined> {
    const raw = await this.context.secrets.get(SECRET_KEY);
    return raw ? (JSON.parse(raw) as S3Credentials) : undefined;
  }

  async storeCredentials(credentials: S3Credentials | undefined): Promise<void> {
    if (credentials) await this.context.secrets.store(SECRET_KEY, JSON.stringify(credentials));
    else await this.context.secrets.delete(SECRET_KEY);
    this.credentialsEmitter.fire();
  }

  /** Environment of the ETL's Python steps: stored credentials, when there are, win over .env there too. */
  async stepEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const stored = await this.credentials();
    return stored ? { ...extra, MINIO_ACCESS_KEY: stored.accessKey, MINIO_SECRET_KEY: stored.secretKey } : extra;
  }

  /** Runs one step (extract, transform, stack) with the status bar showing it; one at a time. */
  async runStep<T>(name: string, work: () => Promise<T>): Promise<T> {
    if (this.runningStep) throw new Error(`${this.runningStep} is still running; wait for it or cancel it`);
    this.runningStep = name;
    this.stepEmitter.fire(name);
    try {
      return await work();
    } finally {
      this.runningStep = undefined;
      this.stepEmitter.fire(undefined);
    }
  }
}

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Untrusted workspaces may browse; anything that runs a process says why it will not. */
export function requireTrust(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`ETL: ${what} runs programs from this workspace; trust the workspace first (browsing works without).`, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
