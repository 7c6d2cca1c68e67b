import * as vscode from 'vscode';
import type { PipelineRun, RunState } from '../../core/runs/join';
import { runLabels } from '../../core/runs/labels';
import { isRestoreReport } from '../../core/restore/events';

const STATE_ICONS: Record<RunState, [string, string]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  running: ['sync~spin', 'charts.blue'],
  queued: ['clock', 'charts.yellow'],
};

/** One pipeline run: when, what, outcome; the run id in the description and tooltip. */
export class RunNode extends vscode.TreeItem {
  readonly kind = 'run';
  constructor(readonly run: PipelineRun) {
    const labels = runLabels(run);
    super(labels.label, vscode.TreeItemCollapsibleState.Collapsed);
    const [icon, color] = STATE_ICONS[run.state];
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    this.description = labels.description;
    this.tooltip = labels.tooltip;
    // Which actions apply: a report (open, compare, restore before it), a DAG run (tasks), a Spark application;
    // a restore is not re-run (restoring before it undoes it).
    const traits = [
      run.transform && 'report',
      run.dagRun && 'dag',
      run.transform?.app_id && 'spark',
      isRestoreReport(run.transform) && 'restore',
    ].filter(Boolean);
    this.contextValue = ['etl.runs.run', ...traits].join('.');
    this.id = `runs:${run.id}`;
  }
}
