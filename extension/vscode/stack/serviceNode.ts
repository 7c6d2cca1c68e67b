import * as vscode from 'vscode';
import type { ServiceStatus } from '../../core/stack/stack';

const ICONS: Record<string, [string, string]> = {
  running: ['pass-filled', 'testing.iconPassed'],
  unhealthy: ['warning', 'list.warningForeground'],
  stopped: ['circle-large-outline', 'disabledForeground'],
};

/** One service of the stack: state as icon + description, inline start/stop and "open UI". */
export class ServiceNode extends vscode.TreeItem {
  constructor(readonly service: ServiceStatus) {
    super(service.title, vscode.TreeItemCollapsibleState.None);
    const [icon, color] = ICONS[service.state];
    this.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    this.description = service.pid ? `${service.state} · pid ${service.pid}` : service.state;
    this.tooltip = `${service.title}: ${service.state}\n${service.url}`;
    this.contextValue = `etl.service.${service.state === 'stopped' ? 'stopped' : 'running'}`;
    this.id = `service:${service.name}`;
  }
}

/** Kibana and Airflow: part of the stack, not of the native stack yet. */
export class UnconfiguredServiceNode extends vscode.TreeItem {
  constructor(title: string, why: string) {
    super(title, vscode.TreeItemCollapsibleState.None);
    this.iconPath = new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    this.description = 'not configured';
    this.tooltip = why;
    this.contextValue = 'etl.service.unconfigured';
    this.id = `service:${title}`;
  }
}
