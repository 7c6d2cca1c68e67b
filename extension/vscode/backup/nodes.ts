import * as vscode from 'vscode';
import { formatBytes } from '../../core/extract/events';
import { type ManifestFile, type RunSummary, storeLabel } from '../../core/manifest/model';
import { monthsLabel, whenLabel } from '../../core/runs/labels';

const STATUS_ICONS: Record<RunSummary['status'], [string, string]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  running: ['sync~spin', 'charts.blue'],
};

/** One extraction run: status, time, file count. */
export class RunNode extends vscode.TreeItem {
  readonly kind = 'run';
  constructor(readonly run: RunSummary) {
    // For people: when, what, outcome; the run id goes to the description and the tooltip.
    const outcome = run.status === 'succeeded' ? `${run.fileCount} file(s), ${formatBytes(run.bytes)}` : run.status;
    super(
      `${whenLabel(run.startedAt)} · Extract ${monthsLabel(run.months)} · ${outcome}`,
      vscode.TreeItemCollapsibleState.Collapsed,
    );
    const [icon, color] = STATUS_ICONS[run.status];
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    // The store (native, compose, a profile's) tells which stack's transform can read the run.
    this.description = run.store ? `${run.runId} · ${run.store.mode}` : run.runId;
    const store = storeLabel(run.store);
    this.tooltip = [
      `${run.runId}: ${run.status}`,
      store ? `in the ${store} (store id ${run.store?.id}); a transform elsewhere leaves it out` : '',
      `months ${run.months.join(', ')}`,
      `started ${run.startedAt}, ended ${run.endedAt ?? '—'}`,
      run.error ? `error: ${run.error}` : '',
    ]
      .filter(Boolean)
      .join('\n');
    this.contextValue = 'etlSpark.backup.run';
    this.id = `run:${run.runId}`;
  }
}

/** An extracted file: clicking reveals and previews its object. */
export class PathNode extends vscode.TreeItem {
  readonly kind = 'path';
  constructor(readonly runId: string, readonly file: ManifestFile) {
    super(file.key, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon(file.kind === 'zones' ? 'table' : 'file-binary');
    this.description = `${file.status} · ${formatBytes(file.size)}`;
    this.tooltip = `${file.path}\nsha256 ${file.sha256}\nfrom ${file.source_url}`;
    this.contextValue = 'etlSpark.backup.path';
    this.id = `path:${runId}:${file.path}`;
    this.command = { command: 'etlSpark.backup.reveal', title: 'Reveal and preview', arguments: [this] };
  }
}

export type BackupItem = RunNode | PathNode | vscode.TreeItem;
