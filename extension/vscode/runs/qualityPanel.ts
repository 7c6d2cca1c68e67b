import * as vscode from 'vscode';
import { diffReports } from '../../core/runs/diff';
import type { PipelineRun } from '../../core/runs/join';
import { runLabels } from '../../core/runs/labels';
import type { QualityReport } from '../../core/runs/report';
import { reportPage } from '../../core/runs/reportHtml';
import { mediaOnly, webviewHost } from '../common/webviewPage';

/** The quality report webview of a run, optionally compared with another run; one panel per run. */
export class QualityPanel {
  private static readonly open = new Map<string, QualityPanel>();
  readonly panel: vscode.WebviewPanel;
  compareWith?: string;

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private report: QualityReport,
    private readonly runs: () => PipelineRun[],
  ) {
    this.panel = vscode.window.createWebviewPanel(
      'etlSpark.qualityReport',
      `Quality ${report.run_id}`,
      vscode.ViewColumn.Active,
      mediaOnly(extensionUri),
    );
    this.panel.onDidDispose(() => QualityPanel.open.delete(report.run_id));
    this.panel.webview.onDidReceiveMessage((message: { type?: string; runId?: string }) => {
      if (message.type === 'compare') this.show(message.runId || undefined);
    });
  }

  /** Opens (or reveals) the report's panel, compared with `compareWith` when given. */
  static show(
    extensionUri: vscode.Uri,
    report: QualityReport,
    runs: () => PipelineRun[],
    compareWith?: string,
  ): QualityPanel {
    const panel = QualityPanel.open.get(report.run_id) ?? new QualityPanel(extensionUri, report, runs);
    QualityPanel.open.set(report.run_id, panel);
    panel.report = report;
    panel.show(compareWith);
    panel.panel.reveal();
    return panel;
  }

  private show(compareWith?: string): void {
    const withReports = this.runs().filter((r) => r.transform);
    const other = withReports.find((r) => r.transform?.run_id === compareWith)?.transform;
    this.compareWith = other?.run_id;
    this.panel.title = other ? `Quality ${this.report.run_id} vs ${other.run_id}` : `Quality ${this.report.run_id}`;
    this.panel.webview.html = reportPage(this.report, {
      ...webviewHost(this.panel.webview, this.extensionUri),
      diff: other ? diffReports(this.report, other) : undefined,
      others: withReports.map((r) => [r.transform?.run_id ?? r.id, runLabels(r).label]),
    });
  }
}
