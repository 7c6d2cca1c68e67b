import * as vscode from 'vscode';
import type { CatalogAsOf } from '../../core/gold/asOf';
import { GoldCatalog, goldCacheDir } from '../../core/gold/catalog';
import { partitionsOf } from '../../core/gold/partitions';
import { endpointOf, s3Client } from '../../core/s3/client';
import { classifyS3Error, explainS3Error } from '../../core/s3/errors';
import type { ServiceStatus } from '../../core/stack/backend';
import type { EtlServices } from '../common/services';
import { explainForProfile, missingKeyError } from '../common/externalS3';
import { minioRunning, type StackWait, stackWaitOf } from '../common/stackWait';
import { ColumnNode } from './columnNode';
import { GroupNode } from './groupNode';
import { MessageNode } from './messageNode';
import { PartitionNode } from './partitionNode';
import { TableNode } from './tableNode';
import { VersionNode } from './versionNode';

export type GoldItem = TableNode | GroupNode | ColumnNode | PartitionNode | VersionNode | MessageNode;

/**
 * The project's gold bucket as a catalog (a new one per call: credentials and .env may have changed),
 * optionally as of a version, a time or a run (time travel).
 */
/** The S3 client of the project's store (its credentials from SecretStorage or .env). */
export async function goldClient(services: EtlServices) {
  return s3Client(services.project(), await services.credentials());
}

export async function goldCatalog(services: EtlServices, asOf?: CatalogAsOf): Promise<GoldCatalog> {
  const config = services.project();
  const client = await goldClient(services);
  const cache = { dir: goldCacheDir(config.paths.state) };
  return new GoldCatalog({ client, bucket: config.buckets.gold, cache, asOf });
}

/**
 * Gold tables view: each Delta table of the gold bucket as one node, read from its log (never by
 * listing its data files). Children come from the state read for the table node, so expanding
 * costs nothing more.
 */
export class GoldTreeProvider implements vscode.TreeDataProvider<GoldItem> {
  private readonly emitter = new vscode.EventEmitter<GoldItem | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** The last error shown instead of the tables (tests read it). */
  problem: string | undefined;
  /** Set while MinIO is stopped or starting: the view shows a welcome (context key etl.gold.wait). */
  wait: StackWait | undefined;

  constructor(private readonly services: EtlServices) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  /** The Stack view read the stack: a welcome that waits for MinIO gives way to the tables once it runs. */
  stackChanged(statuses: ServiceStatus[]): void {
    if (this.wait && minioRunning(statuses)) this.refresh();
  }

  getTreeItem(item: GoldItem): vscode.TreeItem {
    return item;
  }

  async getChildren(item?: GoldItem): Promise<GoldItem[]> {
    if (!item) return this.services.hasProject() ? this.tables() : [];
    if (item instanceof TableNode) return groupsOf(item);
    if (item instanceof GroupNode) return membersOf(item);
    return [];
  }

  private async tables(): Promise<GoldItem[]> {
    const config = this.services.project();
    let catalog: GoldCatalog;
    try {
      catalog = await goldCatalog(this.services);
    } catch (error) {
      // The profile's key is not set (s3Client refuses): say which variables, and where they may come from.
      if (!config.profileProblem) throw error;
      const missing = missingKeyError(config.profile, config.profileProblem);
      this.problem = missing.message;
      return [new MessageNode(missing.message, missing.hint)];
    }
    try {
      const refs = await catalog.tables();
      const nodes = await Promise.all(refs.map(async (ref) => new TableNode(ref, await catalog.table(ref.root))));
      this.problem = undefined;
      await this.setWait(undefined);
      await vscode.commands.executeCommand('setContext', 'etlSpark.gold.empty', nodes.length === 0);
      return nodes;
    } catch (error) {
      const explained = explainForProfile(explainS3Error(error, endpointOf(config)), config.profile);
      this.problem = explained.message;
      this.services.diagnostics.warn(explained.describe());
      // MinIO stopped or starting: an empty view, so the welcome (Start Stack, or "starting") shows.
      const kind = classifyS3Error(explained);
      const waits = kind === 'unreachable' || (kind === 'credentials' && this.services.stackStarting);
      await this.setWait(waits ? await stackWaitOf(this.services, 'Gold tables') : undefined);
      await vscode.commands.executeCommand('setContext', 'etlSpark.gold.empty', false);
      return this.wait ? [] : [new MessageNode(explained.message, explained.hint)];
    } finally {
      await catalog.close();
    }
  }

  private async setWait(wait: StackWait | undefined): Promise<void> {
    this.wait = wait;
    await vscode.commands.executeCommand('setContext', 'etlSpark.gold.wait', wait ?? '');
  }
}

function groupsOf(table: TableNode): GroupNode[] {
  return [
    new GroupNode(table, 'columns', table.state.columns.length),
    new GroupNode(table, 'partitions', partitionsOf(table.state).length),
    new GroupNode(table, 'history', table.state.history.length),
  ];
}

function membersOf(group: GroupNode): GoldItem[] {
  const { state, ref } = group.table;
  if (group.group === 'columns') return state.columns.map((c) => new ColumnNode(ref.root, c));
  if (group.group === 'partitions') return partitionsOf(state).map((p) => new PartitionNode(ref.root, p));
  return state.history.map((c) => new VersionNode(ref.root, c));
}
