import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { status, type ServiceStatus } from '../../core/stack/stack';
import type { EtlServices } from '../common/services';
import { ServiceNode, UnconfiguredServiceNode } from './serviceNode';

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
    return [
      ...this.lastStatus.map((s) => new ServiceNode(s)),
      new UnconfiguredServiceNode('Kibana', 'Kibana is not part of the native stack yet (it comes with the compose stack); KIBANA_PORT in .env says where it will listen.'),
      new UnconfiguredServiceNode('Airflow', 'Airflow is not part of the native stack yet (it comes with the compose stack); AIRFLOW_PORT in .env says where it will listen.'),
    ];
  }
}
