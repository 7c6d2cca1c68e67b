import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { envFileOf } from '../../core/profiles/activate';
import { profileChoices } from '../../core/profiles/choice';
import type { EtlServices } from '../common/services';
import { workspaceRoot } from '../stack/project';

/** Several events for one save (and a switch writing .env) become one refresh. */
const SETTLE_MS = 300;

/**
 * Watches the env file in force (.env or ETL_ENV_FILE) and the profile file (etl-profiles.json or
 * ETL_PROFILES_FILE, possibly outside the workspace): an edit by hand or by `etl profile use` switches the
 * extension too. The profile file is watched again when its place changes.
 */
export class ProfileWatcher implements vscode.Disposable {
  private watchers: vscode.FileSystemWatcher[] = [];
  private watched = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: EtlServices) {
    this.watch();
  }

  private watch(): void {
    let files: string[];
    try {
      const root = workspaceRoot();
      files = [envFileOf(root), profileChoices(root).file];
    } catch {
      return; // no project, or an invalid profile file: a .env watcher alone would still help, but there is no root
    }
    if (files.join('\n') === this.watched) return;
    this.disposeWatchers();
    this.watched = files.join('\n');
    for (const file of files) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(dirname(file)), basename(file)),
      );
      for (const event of [watcher.onDidChange, watcher.onDidCreate, watcher.onDidDelete]) {
        event(() => this.changed());
      }
      this.watchers.push(watcher);
    }
  }

  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.watch();
      void this.services.profileChanged();
    }, SETTLE_MS);
  }

  private disposeWatchers(): void {
    for (const watcher of this.watchers) watcher.dispose();
    this.watchers = [];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposeWatchers();
  }
}
