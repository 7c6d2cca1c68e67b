import * as vscode from 'vscode';
import type { EtlConfig } from '../../core/config';
import { EtlError } from '../../core/errors';
import { isProjectFolder } from '../../core/paths';
import { declaredSecretNames, profileChoices } from '../../core/profiles/choice';
import { sharedWhileInFlight } from '../../core/sharedWhileInFlight';
import type { S3Credentials } from '../../core/s3/client';
import type { ServiceStatus, Stack } from '../../core/stack/backend';
import { secretEnv } from '../profile/profileText';
import { workspaceProject, workspaceRoot } from '../stack/project';
import { WorkspaceStack } from '../stack/workspaceStack';

const SECRET_KEY = 'etl.minio.credentials';
/** SecretStorage key of a profile secret: the NAME of the variable the profile declares (`…Env`). */
const profileSecretKey = (name: string) => `etl.profileSecret.${name}`;

/**
 * Two lanes, each one thing at a time: stack operations (start/stop the stack or a service)
 * and ETL steps (extract, transform). An ETL step started while the stack starts waits for it.
 */
type Lane = 'stack' | 'steps';

/** Why a second command cannot run now, and what the user can do about it. */
function busy(running: string, wanted: string, lane: Lane): EtlError {
  return lane === 'steps'
    ? new EtlError(
        `${wanted} cannot start: ${running} is still running`,
        `run ${wanted} again when ${running} ends, or cancel ${running} from its notification`,
      )
    : new EtlError(
        `${wanted} cannot start: ${running} is still running`,
        `run it again when ${running} ends (the Stack view shows its progress)`,
      );
}

/** A step cancelled while it waited for Start Stack: nothing of it ran. */
export class WaitCancelled extends EtlError {
  constructor(step: string) {
    super(`${step} cancelled while it waited for the stack to start; nothing of it ran`);
  }
}

/**
 * What every area shares: the diagnostics channel, the project, its stack, the stored credentials, the running steps.
 */
export class EtlServices {
  readonly diagnostics: vscode.LogOutputChannel;
  private readonly stepEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onStepChanged = this.stepEmitter.event;
  private readonly credentialsEmitter = new vscode.EventEmitter<void>();
  readonly onCredentialsChanged = this.credentialsEmitter.event;
  /** Each service's status as Start Stack reports it (`onProgress`); undefined when the start ends. */
  private readonly stackProgressEmitter = new vscode.EventEmitter<ServiceStatus[] | undefined>();
  readonly onStackProgress = this.stackProgressEmitter.event;
  private readonly running = new Map<Lane, string>();
  /** The Start Stack in progress: steps that need the stack wait for it; a second Start Stack joins it. */
  private starting: Promise<unknown> | undefined;
  private readonly workspaceStack = new WorkspaceStack();
  /** The last error a step reported (tests read it; users see the notification). */
  lastError: string | undefined;
  /** The active profile's secrets found in SecretStorage, by variable name (read again on every profile change). */
  private profileSecrets: Record<string, string> = {};
  private readonly profileEmitter = new vscode.EventEmitter<void>();
  /** The active profile, the profile file or a profile secret changed: every view reads the project again. */
  readonly onProfileChanged = this.profileEmitter.event;

  constructor(readonly context: vscode.ExtensionContext) {
    this.diagnostics = vscode.window.createOutputChannel('ETL', { log: true });
    context.subscriptions.push(
      this.diagnostics, this.stepEmitter, this.credentialsEmitter, this.stackProgressEmitter, this.profileEmitter,
    );
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(
        (e) => e.affectsConfiguration('etlSpark.stack.mode') && this.workspaceStack.forget(),
      ),
    );
  }

  /**
   * Re-read every time: .env and the process environment may change while VS Code runs. The active profile's
   * secrets from SecretStorage are part of the environment the core reads (the process environment wins, they
   * win over .env) and of `overrides`, which the local services' jobs (Airflow's tasks) get.
   */
  project(): EtlConfig {
    const secrets = this.secretEnvironment();
    const config = workspaceProject({ ...process.env, ...secrets });
    return { ...config, overrides: { ...config.overrides, ...secrets } };
  }

  /**
   * The profile secrets from SecretStorage the process environment does not set: what the core and children get.
   * None in an untrusted workspace: SecretStorage is shared by every window, and a workspace's own profile file
   * could name a stored variable beside an endpoint of its choosing.
   */
  secretEnvironment(): Record<string, string> {
    return vscode.workspace.isTrusted ? secretEnv(this.profileSecrets, process.env) : {};
  }

  /** The names of the variables the active profile reads secrets from, and which of them SecretStorage holds. */
  profileSecretNames(): { names: string[]; stored: Record<string, string> } {
    const { active, profiles } = profileChoices(workspaceRoot());
    return { names: declaredSecretNames(profiles[active]), stored: { ...this.profileSecrets } };
  }

  /** Reads the active profile's secrets from SecretStorage (a profile that cannot be read has none); how many. */
  async loadProfileSecrets(): Promise<number> {
    let names: string[] = [];
    try {
      names = this.profileSecretNames().names;
    } catch (error) {
      this.diagnostics.warn(`profile secrets: cannot read the profile file: ${String(error)}`);
    }
    const loaded: Record<string, string> = {};
    for (const name of names) {
      const value = await this.context.secrets.get(profileSecretKey(name));
      if (value) loaded[name] = value;
    }
    this.profileSecrets = loaded;
    return Object.keys(loaded).length;
  }

  /** Stores (or, empty, deletes) one profile secret; only its name is ever logged. */
  async storeProfileSecret(name: string, value: string): Promise<void> {
    if (value) await this.context.secrets.store(profileSecretKey(name), value);
    else await this.context.secrets.delete(profileSecretKey(name));
    this.diagnostics.info(`profile secret ${name} ${value ? 'stored in' : 'removed from'} SecretStorage`);
    await this.profileChanged();
  }

  /** The profile changed (switched, its file or .env edited, a secret stored): secrets read again, views told. */
  async profileChanged(): Promise<void> {
    await this.loadProfileSecrets();
    this.workspaceStack.forget();
    this.profileEmitter.fire();
  }

  /** The window's folder is an ETL Spark project (its marker file), whether its configuration reads or not. */
  isProjectFolder(): boolean {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return Boolean(process.env.ETL_PROJECT_ROOT) || (folder !== undefined && isProjectFolder(folder.uri.fsPath));
  }

  hasProject(): boolean {
    try {
      this.project();
      return true;
    } catch {
      return false;
    }
  }

  /** The project's stack (native or compose, per etl.stack.mode); `fresh` asks Docker again in auto mode. */
  stack(fresh = false): Promise<Stack> {
    return this.workspaceStack.open(this.project(), fresh);
  }

  /** Each service's state now; the Stack view and the status bar, reading when the same step ends, share one read. */
  readonly stackStatus = sharedWhileInFlight(async () => (await this.stack()).status());

  /**
   * SecretStorage credentials, which override .env for everything the extension does with the local MinIO.
   * They are the local MinIO's key: with a profile's external S3, the key comes from the variables it names.
   */
  async credentials(): Promise<S3Credentials | undefined> {
    if (this.project().profile.s3.mode === 'external') return undefined;
    const raw = await this.context.secrets.get(SECRET_KEY);
    return raw ? (JSON.parse(raw) as S3Credentials) : undefined;
  }

  async storeCredentials(credentials: S3Credentials | undefined): Promise<void> {
    if (credentials) await this.context.secrets.store(SECRET_KEY, JSON.stringify(credentials));
    else await this.context.secrets.delete(SECRET_KEY);
    this.credentialsEmitter.fire();
  }

  /**
   * Environment of the ETL's Python steps: the profile secrets from SecretStorage (the Python side reads them from
   * the environment as the profile names them); stored MinIO credentials, when there are, win over .env there too.
   */
  async stepEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const stored = await this.credentials();
    const withSecrets = { ...this.secretEnvironment(), ...extra };
    return stored
      ? { ...withSecrets, MINIO_ACCESS_KEY: stored.accessKey, MINIO_SECRET_KEY: stored.secretKey }
      : withSecrets;
  }

  /** What runs now: "starting the stack", "extract". */
  get runningSteps(): string[] {
    return [...this.running.values()];
  }

  /** The same in one line: "starting the stack · extract". */
  get runningStep(): string | undefined {
    return this.running.size ? this.runningSteps.join(' · ') : undefined;
  }

  get stackStarting(): boolean {
    return this.starting !== undefined;
  }

  /** Runs one ETL step (extract, transform) with the status bar showing it; one at a time. */
  runStep<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.inLane('steps', name, work);
  }

  /** Stops the stack or one service: never under a running ETL step, which needs the stack. */
  runStackStop<T>(name: string, work: () => Promise<T>): Promise<T> {
    const step = this.running.get('steps');
    if (step)
      return Promise.reject(
        new EtlError(
          `${name} would pull the stack from under ${step}`,
          `cancel ${step} from its notification or wait for it to end, then try again`,
        ),
      );
    return this.inLane('stack', name, work);
  }

  /** Starts one service: a stack operation like any other. */
  runStackOperation<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.inLane('stack', name, work);
  }

  /**
   * Starts the stack; `work` gets the progress callback that feeds the Stack view.
   * A second Start Stack while one runs joins it instead of failing.
   */
  startStack<T>(work: (onProgress: (services: ServiceStatus[]) => void) => Promise<T>): Promise<T> {
    if (this.starting) return this.starting as Promise<T>;
    const started = this.inLane('stack', 'starting the stack', () =>
      work((services) => this.stackProgressEmitter.fire(services)),
    );
    this.starting = started;
    // inLane announced the step before `starting` was set, and ends it before it is cleared: say it again.
    this.stepEmitter.fire('starting the stack');
    const done = () => {
      this.starting = undefined;
      this.stackProgressEmitter.fire(undefined);
      this.stepEmitter.fire(undefined);
    };
    started.then(done, done);
    return started;
  }

  /**
   * For a step that needs the stack: when Start Stack is running, says so in the step's
   * notification and waits for it. A failed start stops the step with the reason.
   */
  async waitForStackStart(
    step: string,
    progress: vscode.Progress<{ message?: string }>,
    signal?: AbortSignal,
  ): Promise<void> {
    const starting = this.starting;
    if (!starting) return;
    progress.report({ message: 'waiting for the stack to start…' });
    this.diagnostics.info(`${step}: waiting for the stack to start`);
    const aborted = new Promise<'aborted'>((resolve) =>
      signal?.addEventListener('abort', () => resolve('aborted'), { once: true }),
    );
    const outcome = await Promise.race([
      starting.then(
        () => 'up' as const,
        () => 'failed' as const,
      ),
      aborted,
    ]);
    if (outcome === 'aborted') throw new WaitCancelled(step);
    if (outcome === 'failed')
      throw new EtlError(
        `${step} did not run: the stack did not start`,
        `see the Start Stack error, fix its cause, then run ${step} again`,
      );
    progress.report({ message: 'the stack is up' });
  }

  private async inLane<T>(lane: Lane, name: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(lane);
    if (running) throw busy(running, name, lane);
    this.running.set(lane, name);
    this.stepEmitter.fire(name);
    try {
      return await work();
    } finally {
      this.running.delete(lane);
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
  void vscode.window
    .showWarningMessage(
      `ETL: ${what} runs programs from this workspace; trust the workspace first (browsing works without).`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
