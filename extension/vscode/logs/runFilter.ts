import * as vscode from 'vscode';

const KEY = 'etlSpark.logs.runFilter';

/**
 * Which runs ETL Logs shows (Show Logs of This Run): a transient filter, kept in the workspace's state, never in
 * .vscode/settings.json. Empty: every run.
 */
export class RunFilter {
  constructor(private readonly state: vscode.Memento) {}

  get(): string | undefined {
    return this.state.get<string>(KEY) || undefined;
  }

  async set(runIds: string | undefined): Promise<void> {
    await this.state.update(KEY, runIds || undefined);
  }

  /**
   * Once: the `etl.logs.runId` setting an earlier version wrote into the workspace's settings moves here and
   * leaves the settings file (the note goes to the ETL output).
   */
  async migrateFromSettings(note: (message: string) => void): Promise<void> {
    const config = vscode.workspace.getConfiguration('etl.logs');
    const old = config.inspect<string>('runId');
    const value = old?.workspaceValue ?? old?.workspaceFolderValue;
    if (value === undefined) return;
    if (!this.get() && value) await this.set(value);
    await config.update('runId', undefined, vscode.ConfigurationTarget.Workspace);
    await Promise.resolve(config.update('runId', undefined, vscode.ConfigurationTarget.WorkspaceFolder))
      .catch(() => undefined); // no workspace folder setting to remove
    note(`ETL Logs: the run filter "${value}" moved from the workspace setting etl.logs.runId to the workspace's ` +
      'state (Show Logs of Every Run clears it)');
  }
}
