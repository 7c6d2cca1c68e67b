import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from '../common/services';
import { ServiceNode } from './serviceNode';

/** How often the view asks for the status while Start Stack runs and its stack sends no progress. */
const POLL_WHILE_STARTING_MS = 1000;

type StackItem = ServiceNode | vscode.TreeItem;

/** While the stack starts, a service that runs but does not answer yet is starting, not unhealthy. */
const asStarting = (s: ServiceStatus): ServiceStatus => (s.state === 'unhealthy' ? { ...s, state: 'starting' } : s);

/**
 * The Stack view: each service of the stack in force (`stack.status()`), native process or
 * compose container. While Start Stack runs it shows the states `up()` reports as they change.
 */
export class StackTreeProvider implements vscode.TreeDataProvider<StackItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  lastStatus: ServiceStatus[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ServiceStatus[]>();
  readonly onStatus = this.stateChanged.event;
  /** The latest statuses Start Stack reported through onProgress (undefined outside a start). */
  private reported: ServiceStatus[] | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(private readonly services: EtlServices) {
    services.onStackProgress((statuses) => {
      this.reported = statuses;
      this.refresh();
    });
    services.onStepChanged(() => this.followStart());
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: StackItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<StackItem[]> {
    if (!this.services.hasProject()) return [];
    try {
      const statuses = this.reported ?? (await (await this.services.stack()).status());
      this.lastStatus = this.services.stackStarting ? statuses.map(asStarting) : statuses;
    } catch (error) {
      const node = new vscode.TreeItem(`Cannot read the stack status: ${describeError(error).replace(/\n\s*→ /, ' — ')}`);
      node.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      node.tooltip = describeError(error);
      return [node];
    }
    this.stateChanged.fire(this.lastStatus);
    await vscode.commands.executeCommand('setContext', 'etl.stackDown', this.lastStatus.every((s) => s.state === 'stopped'));
    return this.lastStatus.map((s) => new ServiceNode(s));
  }

  /**
   * A stack whose `up()` reports no progress still shows each service starting: the view
   * re-reads the status every second until the first report or the end of the start.
   */
  private followStart(): void {
    if (this.services.stackStarting && !this.poll) {
      this.poll = setInterval(() => this.reported === undefined && this.refresh(), POLL_WHILE_STARTING_MS);
      this.refresh();
    } else if (!this.services.stackStarting && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
      this.refresh();
    }
  }

  dispose(): void {
    if (this.poll) clearInterval(this.poll);
  }
}
