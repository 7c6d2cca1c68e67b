import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { loadManifest, manifestPath, summarizeRuns, type RunSummary } from '../../core/manifest/model';
import type { EtlServices } from '../common/services';
import { PathNode, RunNode, type BackupItem } from './nodes';

/** The Backup_data manifest grouped by run; refreshed when the file changes. */
export class BackupTreeProvider implements vscode.TreeDataProvider<BackupItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  runs: RunSummary[] = [];

  constructor(private readonly services: EtlServices) {}

  manifestFile(): string {
    return manifestPath(this.services.project().paths.root);
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: BackupItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: BackupItem): Promise<BackupItem[]> {
    if (item && 'kind' in item && item.kind === 'run')
      return (item as RunNode).run.files.map((f) => new PathNode((item as RunNode).run.runId, f));
    if (item || !this.services.hasProject()) return [];
    try {
      this.runs = summarizeRuns(loadManifest(this.manifestFile()));
    } catch (error) {
      const node = new vscode.TreeItem(describeError(error));
      node.iconPath = new vscode.ThemeIcon('error');
      return [node];
    }
    await vscode.commands.executeCommand('setContext', 'etlSpark.backup.empty', this.runs.length === 0);
    return this.runs.map((r) => new RunNode(r));
  }
}
