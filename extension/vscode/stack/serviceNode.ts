import * as vscode from 'vscode';
import type { ServiceState, ServiceStatus } from '../../core/stack/backend';

const ICONS: Record<ServiceState, [string, string | undefined]> = {
  running: ['pass-filled', 'testing.iconPassed'],
  starting: ['loading~spin', undefined],
  unhealthy: ['warning', 'list.warningForeground'],
  stopped: ['circle-large-outline', 'disabledForeground'],
};

/** Where the service runs: the native process's pid or the compose container's name. */
function where(service: ServiceStatus): string | undefined {
  if (service.container) return service.container;
  return service.pid ? `pid ${service.pid}` : undefined;
}

/**
 * One service of the stack (a native process or a compose container): its state as icon and
 * description, inline start/stop and "open UI". contextValue is `etlSpark.service.<state>[.noui]`.
 */
export class ServiceNode extends vscode.TreeItem {
  constructor(readonly service: ServiceStatus) {
    super(service.title, vscode.TreeItemCollapsibleState.None);
    const [icon, color] = ICONS[service.state];
    this.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const place = where(service);
    this.description = (place ? `${service.state} · ${place}` : service.state) + (service.note ? ' · restarted' : '');
    const kind = service.container
      ? `container ${service.container}`
      : service.pid
        ? `process ${service.pid}`
        : 'not running';
    const note = service.note ? `\n${service.note}` : '';
    this.tooltip = `${service.title}: ${service.state} (${kind})\n${service.url}${note}`;
    // `.noui`: Logstash and Filebeat have no page to open.
    this.contextValue = `etlSpark.service.${service.state}${service.url ? '' : '.noui'}`;
    this.id = `service:${service.name}`;
  }
}
