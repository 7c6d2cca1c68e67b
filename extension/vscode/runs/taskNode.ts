import * as vscode from 'vscode';
import type { TaskInstance } from '../../core/airflow/client';
import { durationLabel } from '../../core/runs/labels';

const TASK_ICONS: Record<string, [string, string]> = {
  success: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  upstream_failed: ['circle-slash', 'testing.iconFailed'],
  running: ['sync~spin', 'charts.blue'],
  queued: ['clock', 'charts.yellow'],
  scheduled: ['clock', 'charts.yellow'],
  up_for_retry: ['history', 'charts.orange'],
};

/** An Airflow task instance of a DAG run: state, try, duration; click shows its log. */
export class TaskNode extends vscode.TreeItem {
  readonly kind = 'task';
  constructor(
    readonly dagId: string,
    readonly dagRunId: string,
    readonly task: TaskInstance,
  ) {
    super(task.task_id, vscode.TreeItemCollapsibleState.None);
    const state = task.state ?? 'no state';
    const [icon, color] = TASK_ICONS[state] ?? ['circle-outline', 'disabledForeground'];
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    const ms = task.start_date && task.end_date ? Date.parse(task.end_date) - Date.parse(task.start_date) : null;
    this.description = [state, `try ${task.try_number}`, durationLabel(ms)].filter(Boolean).join(' · ');
    this.tooltip = `${dagId} / ${dagRunId} / ${task.task_id}\n${this.description}`;
    const failed = state === 'failed' || state === 'upstream_failed';
    this.contextValue = failed ? 'etlSpark.runs.task.failed' : 'etlSpark.runs.task';
    this.id = `runs:task:${dagRunId}:${task.task_id}`;
    this.command = { command: 'etlSpark.runs.showTaskLog', title: 'Show Log', arguments: [this] };
  }
}
