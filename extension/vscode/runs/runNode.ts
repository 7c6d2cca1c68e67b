import * as vscode from 'vscode';
import type { PipelineRun, RunState } from '../../core/runs/join';
import { runLabels, stoppedByChecks } from '../../core/runs/labels';
import { isRestoreReport } from '../../core/restore/events';

const STATE_ICONS: Record<RunState, [string, string]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  running: ['sync~spin', 'charts.blue'],
  queued: ['clock', 'charts.yellow'],
};

/** A run the checks stopped: not the red error of a crash. */
export const STOPPED_BY_CHECKS_ICON: [string, string] = ['shield', 'charts.orange'];

/** One pipeline run: when, what, outcome; the run id in the description and tooltip. */
export class RunNode extends vscode.TreeItem {
  readonly kind = 'run';
  constructor(readonly run: PipelineRun) {
    const labels = runLabels(run);
    super(labels.label, vscode.TreeItemCollapsibleState.Collapsed);
    // Stopped by an error check before any write (nothing published) is not a crash: a shield, in the warning color.
    const stopped = stoppedByChecks(run);
    const [icon, color] = stopped ? STOPPED_BY_CHECKS_ICON : STATE_ICONS[run.state];
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
      stopped && 'checks',
    ].filter(Boolean);
    this.contextValue = ['etlSpark.runs.run', ...traits].join('.');
    this.id = `runs:${run.id}`;
  }
}
