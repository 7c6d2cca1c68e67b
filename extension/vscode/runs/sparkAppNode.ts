import * as vscode from 'vscode';

/** The transform's Spark application: opens it in the Spark History Server. */
export class SparkAppNode extends vscode.TreeItem {
  readonly kind = 'sparkApp';
  constructor(
    readonly runId: string,
    readonly appId: string,
  ) {
    super(`Spark application ${appId}`, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('flame');
    this.description = 'Spark History';
    this.tooltip = `Open ${appId} in the Spark History Server (stages, tasks, SQL of the finished run)`;
    this.contextValue = 'etlSpark.runs.sparkApp';
    this.id = `runs:spark:${runId}:${appId}`;
    this.command = { command: 'etlSpark.runs.openInSparkHistory', title: 'Open in Spark History', arguments: [this] };
  }
}
