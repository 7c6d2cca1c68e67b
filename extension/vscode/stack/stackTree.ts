import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { checkExternalServices, type ExternalHealth } from '../../core/profiles/health';
import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from '../common/services';
import { replacedByExternal } from '../profile/profileText';
import { ExternalServiceNode } from './externalNode';
import { ServiceNode } from './serviceNode';

type StackItem = ServiceNode | ExternalServiceNode | vscode.TreeItem;

/**
 * While the stack starts (before its first progress report), a service that runs but does not answer yet is starting.
 */
const asStarting = (s: ServiceStatus): ServiceStatus => (s.state === 'unhealthy' ? { ...s, state: 'starting' } : s);

/**
 * The Stack view: each service of the stack in force (`stack.status()`), native process or
 * compose container. While Start Stack runs it shows the states `up()` reports (onProgress) as they change.
 */
export class StackTreeProvider implements vscode.TreeDataProvider<StackItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  lastStatus: ServiceStatus[] = [];
  private readonly stateChanged = new vscode.EventEmitter<ServiceStatus[]>();
  readonly onStatus = this.stateChanged.event;
  /** The latest statuses Start Stack reported through onProgress (undefined outside a start). */
  private reported: ServiceStatus[] | undefined;
  /** The services the active profile places elsewhere, as last checked (tests read it). */
  lastExternal: ExternalHealth[] = [];

  constructor(private readonly services: EtlServices) {
    services.onStackProgress((statuses) => {
      this.reported = statuses;
      this.refresh();
    });
    // Start Stack beginning or ending changes how the rows read (and ends the reported statuses).
    services.onStepChanged(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: StackItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<StackItem[]> {
    if (!this.services.hasProject()) return [];
    let external: Promise<ExternalHealth[]> = Promise.resolve([]);
    try {
      // Checked beside the local status, never started nor stopped: reachable, authenticated, buckets, workers.
      const { profile } = this.services.project();
      external = checkExternalServices(this.services.project());
      const statuses = (this.reported ?? (await (await this.services.stack()).status())).filter(
        (s) => s.state !== 'stopped' || !replacedByExternal(s.name, profile),
      );
      this.lastStatus = this.services.stackStarting ? statuses.map(asStarting) : statuses;
      this.lastExternal = await external;
    } catch (error) {
      void external.catch(() => undefined);
      const node = new vscode.TreeItem(
        `Cannot read the stack status: ${describeError(error).replace(/\n\s*→ /, ' — ')}`,
      );
      node.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      node.tooltip = describeError(error);
      return [node];
    }
    this.stateChanged.fire(this.lastStatus);
    await vscode.commands.executeCommand(
      'setContext',
      'etl.stackDown',
      this.lastStatus.every((s) => s.state === 'stopped'),
    );
    const elsewhere = this.lastExternal.map((h) => new ExternalServiceNode(h));
    // Elsewhere first: where the local MinIO or Spark row would be, and in sight without scrolling.
    return [...elsewhere, ...this.lastStatus.map((s) => new ServiceNode(s))];
  }

  dispose(): void {
    this.changed.dispose();
    this.stateChanged.dispose();
  }
}
