import * as vscode from 'vscode';
import type { BackfillGroup } from '../../core/runs/backfills';
import type { RunState } from '../../core/runs/join';
import { whenLabel } from '../../core/runs/labels';
import { DetailNode } from './detailNode';
import { RunNode } from './runNode';

const STATE_ICONS: Record<RunState, [string, string]> = {
  succeeded: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  running: ['sync~spin', 'charts.blue'],
  queued: ['clock', 'charts.yellow'],
};

/** An Airflow backfill (`etl trigger --months`): "backfill 2024-01..2024-06", its months' rows beneath. */
export class BackfillNode extends vscode.TreeItem {
  readonly kind = 'backfill';
  constructor(readonly group: BackfillGroup) {
    const { backfill } = group;
    super(`${whenLabel(backfill.created_at)} · backfill ${group.range}`, vscode.TreeItemCollapsibleState.Expanded);
    const [icon, color] = STATE_ICONS[group.state];
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    this.description = `${group.summary} · backfill ${backfill.id}`;
    this.tooltip = [
      `Airflow backfill ${backfill.id} of ${backfill.dag_id}, months ${group.range}`,
      `logical dates ${backfill.from_date} to ${backfill.to_date}, conf ${JSON.stringify(backfill.dag_run_conf)}`,
      `created ${backfill.created_at}${backfill.completed_at ? `, completed ${backfill.completed_at}` : ''}`,
      group.summary,
    ].join('\n');
    this.contextValue = 'etlSpark.runs.backfill';
    this.id = `runs:backfill:${backfill.id}`;
  }

  /** Each month: its run's row (state, outcome, "stopped by checks: …"), or a line saying it has no run. */
  months(): vscode.TreeItem[] {
    const { backfill } = this.group;
    return this.group.months.map(({ month, run }) => run
      ? new RunNode(run)
      : new DetailNode(month, backfill.completed_at ? 'no run (Airflow created none for it)' : 'not created yet',
        backfill.completed_at ? 'warning' : 'clock', `runs:backfill:${backfill.id}:${month}`));
  }
}
