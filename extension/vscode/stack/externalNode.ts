import * as vscode from 'vscode';
import type { ExternalHealth } from '../../core/profiles/health';

/**
 * A service the active profile places elsewhere (an external S3, Spark master, Elasticsearch, Airflow): its
 * endpoint and health (extension/core/profiles/health.ts), never Start/Stop (contextValue `etlSpark.external.<service>`
 * matches none of the Stack view's inline actions): it is not ours to start.
 */
export class ExternalServiceNode extends vscode.TreeItem {
  constructor(readonly health: ExternalHealth) {
    super(health.title, vscode.TreeItemCollapsibleState.None);
    this.description = `external · ${health.endpoint}`;
    this.iconPath = health.ok
      ? new vscode.ThemeIcon('cloud', new vscode.ThemeColor('testing.iconPassed'))
      : new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    this.tooltip = `${health.title}: external (${health.ok ? 'healthy' : 'NOT healthy'})\n${health.endpoint}\n`
      + `${health.detail}\nNot started nor stopped here: the active profile places it elsewhere.`;
    this.contextValue = `etlSpark.external.${health.service}`;
    this.id = `external:${health.service}`;
  }
}
