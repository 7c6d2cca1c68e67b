import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { status, type ServiceStatus } from '../../core/stack/stack';
import type { EtlServices } from '../common/services';
import { ServiceNode, UnconfiguredServiceNode } from './serviceNode';

const PLANNED_SERVICES = [
  { name: 'kibana', title: 'Kibana', port: 'KIBANA_PORT' },
  { name: 'airflow', title: 'Airflow', port: 'AIRFLOW_PORT' },
];
const notConfigured = (title: string, port: string) => `${title} is not part of the native stack yet (it comes with the compose stack); ${port} in .env says where it will listen.`;

type StackItem = ServiceNode | UnconfiguredServiceNode | vscode.TreeItem;

export class StackTreeProvider implements vscode.TreeDataProvider<StackItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  lastStatus: ServiceStatus[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ServiceStatus[]>();
  readonly onStatus = this.stateChanged.event;

  constructor(private readonly services: EtlServices) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: StackItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<StackItem[]> {
    if (!this.services.hasProject()) return [];
    try {
      this.lastStatus = await status(this.services.project());
    } catch (error) {
      const node = new vscode.TreeItem(`Cannot read the stack status: ${describeError(error)}`);
      node.iconPath = new vscode.ThemeIcon('error');
      return [node];
    }
    this.stateChanged.fire(this.lastStatus);
    await vscode.commands.executeCommand('setContext', 'etl.stackDown', this.lastStatus.every((s) => s.state === 'stopped'));
    // Kibana and Airflow are part of the stack; the native stack may not have them (yet).
    const known = new Set(this.lastStatus.map((s) => s.name as string));
    const missing = PLANNED_SERVICES.filter((p) => !known.has(p.name)).map((p) => new UnconfiguredServiceNode(p.title, notConfigured(p.title, p.port)));
    return [...this.lastStatus.map((s) => new ServiceNode(s)), ...missing];
  }
}
