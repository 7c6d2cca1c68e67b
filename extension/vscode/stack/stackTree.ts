import * as vscode from 'vscode';
import { describeError } from '../../core/errors';
import { checkExternalServices, type ExternalHealth } from '../../core/profiles/health';
import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from '../common/services';
import { replacedByExternal } from '../profile/profileText';
import { ExternalServiceNode } from './externalNode';
import { workspaceRoot } from './project';
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
  private view: vscode.TreeView<StackItem> | undefined;

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

  shownIn(view: vscode.TreeView<StackItem>): void {
    this.view = view;
  }

  /** While the view is visible it reads the stack's state after each step itself, and onStatus tells the others. */
  get reads(): boolean {
    return this.view?.visible ?? false;
  }

  getTreeItem(item: StackItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<StackItem[]> {
    if (!this.services.hasProject()) return this.unreadableProject();
    let external: Promise<ExternalHealth[]> = Promise.resolve([]);
    try {
      // Checked beside the local status, never started nor stopped: reachable, authenticated, buckets, workers.
      const { profile } = this.services.project();
      external = checkExternalServices(this.services.project());
      const statuses = (this.reported ?? (await this.services.stackStatus())).filter(
        (s) => s.state !== 'stopped' || !replacedByExternal(s.name, profile),
      );
      this.lastStatus = this.services.stackStarting ? statuses.map(asStarting) : statuses;
      this.lastExternal = await external;
    } catch (error) {
      void external.catch(() => undefined);
      return [errorNode('Cannot read the stack status', error)];
    }
    this.stateChanged.fire(this.lastStatus);
    await vscode.commands.executeCommand(
      'setContext',
      'etlSpark.stackDown',
      this.lastStatus.every((s) => s.state === 'stopped'),
    );
    const elsewhere = this.lastExternal.map((h) => new ExternalServiceNode(h));
    // Elsewhere first: where the local MinIO or Spark row would be, and in sight without scrolling.
    return [...elsewhere, ...this.lastStatus.map((s) => new ServiceNode(s))];
  }

  /**
   * An ETL project whose configuration cannot be read (an unknown ETL_PROFILE, an invalid profile file, a bad .env
   * value): the reason as a row, rather than an empty view. Not an ETL project at all: none (the welcome says so).
   */
  private unreadableProject(): StackItem[] {
    try {
      workspaceRoot();
    } catch {
      return []; // no folder, or not an ETL project: the welcome says what to open
    }
    try {
      this.services.project();
      return [];
    } catch (error) {
      return [errorNode('Cannot read the project', error)];
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.stateChanged.dispose();
  }
}

/** "<what>: <error> — <what to do>" as one row, the whole text in its tooltip. */
function errorNode(what: string, error: unknown): vscode.TreeItem {
  const node = new vscode.TreeItem(`${what}: ${describeError(error).replace(/\n\s*→ /, ' — ')}`);
  node.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  node.tooltip = describeError(error);
  return node;
}
