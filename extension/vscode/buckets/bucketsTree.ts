import * as vscode from 'vscode';
import type { Client } from 'minio';
import type { EtlConfig } from '../../core/config';
import type { EtlError } from '../../core/errors';
import { classifyS3Error, explainS3Error, type S3Problem } from '../../core/s3/errors';
import { endpointOf, s3Client } from '../../core/s3/client';
import { deltaTableOf, fileStatus, type DeltaSnapshot } from '../../core/s3/delta';
import { DEFAULT_PAGE_SIZE, listPage } from '../../core/s3/listing';
import type { ServiceStatus } from '../../core/stack/backend';
import { explainForProfile, missingKeyError } from '../common/externalS3';
import type { EtlServices } from '../common/services';
import { minioRunning, stackWaitOf } from '../common/stackWait';
import {
  BucketNode,
  HintNode,
  LoadMoreNode,
  ObjectNode,
  PrefixNode,
  S3ErrorNode,
  type BucketItem,
  type Container,
} from './nodes';

/**
 * Why the view cannot list: S3's own answer, or, when MinIO does not answer, whether that is
 * because the stack is down (the Start Stack welcome shows) or still starting.
 */
export type BucketsProblem = S3Problem | 'stackDown' | 'stackStarting';

/** By `kind`, not instanceof: nodes may come from another bundle (tests, other extensions' commands). */
const isContainer = (item: BucketItem): item is Container => item.kind === 'bucket' || item.kind === 'prefix';

const WELCOMED: BucketsProblem[] = ['credentials', 'stackDown', 'stackStarting'];

interface Loaded {
  items: BucketItem[];
  nextToken?: string;
}

/**
 * rawzone and gold → prefixes → objects, listed lazily one page at a time.
 * Pages already loaded are kept per container; "Load more…" appends the next one.
 */
export class BucketsTreeProvider implements vscode.TreeDataProvider<BucketItem> {
  private readonly changed = new vscode.EventEmitter<BucketItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new Map<string, Loaded>();
  private readonly filters = new Map<string, string>();
  /** The last problem (for tests and welcome views; the context key etl.s3.problem holds its kind). */
  problem: { kind: BucketsProblem; error: EtlError } | undefined;
  pageSize = DEFAULT_PAGE_SIZE;

  constructor(private readonly services: EtlServices) {}

  async client(): Promise<{ client: Client; endpoint: string; config: EtlConfig }> {
    const config = this.services.project();
    return { client: s3Client(config, await this.services.credentials()), endpoint: endpointOf(config), config };
  }

  refresh(container?: Container): void {
    if (container) this.loaded.delete(container.id ?? '');
    else this.loaded.clear();
    this.changed.fire(container);
  }

  setFilter(container: Container, filter: string): void {
    if (filter) this.filters.set(container.id ?? '', filter);
    else this.filters.delete(container.id ?? '');
    this.refresh(container);
  }

  getTreeItem(item: BucketItem): vscode.TreeItem {
    if (isContainer(item)) {
      const filter = this.filters.get(item.id ?? '');
      item.description = filter ? `filter: ${filter}*` : undefined;
    }
    return item;
  }

  getParent(item: BucketItem): BucketItem | undefined {
    return item.kind === 'more' ? item.parent : undefined;
  }

  async getChildren(item?: BucketItem): Promise<BucketItem[]> {
    if (!this.services.hasProject()) return [];
    if (!item) return this.roots();
    if (!isContainer(item)) return [];
    const cached = this.loaded.get(item.id ?? '');
    if (cached) return this.withMore(item, cached);
    const first = await this.loadPage(item);
    return first ? this.withMore(item, first) : [this.errorNode(item)];
  }

  /** Appends the next page of a container (the "Load more…" action). */
  async loadMore(node: LoadMoreNode): Promise<void> {
    await this.loadPage(node.parent);
    this.changed.fire(node.parent);
  }

  private async roots(): Promise<BucketItem[]> {
    const config = this.services.project();
    const probe = await this.tryList(
      async (client) => listPage(client, config.buckets.rawzone, '', { pageSize: 1 }),
      { publish: false },
    );
    if (!probe && config.profile.s3.mode !== 'external') await this.explainWhyNoAnswer();
    // Published once final: each change of the context key swaps the welcome, and an intermediate
    // "unreachable" (no welcome) blanked the view on every refresh while the stack started.
    await this.publishProblem();
    if (!probe && config.profile.s3.mode === 'external') {
      // Not ours to start: never the Start Stack welcome; the endpoint, the error and what to check instead.
      return [this.errorNode(), ...(this.problem?.error.hint ? [new HintNode(this.problem.error.hint)] : [])];
    }
    if (!probe) {
      // Wrong credentials or the stack down/starting: an empty view, so the welcome with its buttons shows.
      if (this.problem && WELCOMED.includes(this.problem.kind)) return [];
      // Any other failure (MinIO runs but does not answer, a wrong port, …): an error node with Retry.
      return [this.errorNode()];
    }
    return [new BucketNode(config.buckets.rawzone), new BucketNode(config.buckets.gold)];
  }

  /** The Stack view read the stack: a welcome that waits for MinIO gives way to the buckets once it runs. */
  stackChanged(statuses: ServiceStatus[]): void {
    const waiting = this.problem?.kind === 'stackDown' || this.problem?.kind === 'stackStarting';
    if (waiting && minioRunning(statuses)) this.refresh();
  }

  /**
   * MinIO does not answer: asks the stack whether its MinIO is stopped, or starting. While the stack
   * starts, MinIO may also answer before the ETL's key exists: not a credentials problem yet.
   */
  private async explainWhyNoAnswer(): Promise<void> {
    const problem = this.problem;
    if (problem?.kind === 'unreachable') {
      const wait = await stackWaitOf(this.services, 'Buckets');
      if (wait) this.problem = { kind: wait, error: problem.error };
    } else if (problem?.kind === 'credentials' && this.services.stackStarting) {
      this.problem = { kind: 'stackStarting', error: problem.error };
    }
  }

  private errorNode(parent?: Container): S3ErrorNode {
    const error = this.problem?.error;
    return new S3ErrorNode(error?.message ?? 'MinIO listing failed', error?.hint, parent);
  }

  private async loadPage(container: Container): Promise<Loaded | undefined> {
    const key = container.id ?? '';
    const previous = this.loaded.get(key);
    if (previous && !previous.nextToken) return previous;
    const page = await this.tryList((client) =>
      listPage(client, container.bucket, container.prefix, {
        token: previous?.nextToken,
        pageSize: this.pageSize,
        filter: this.filters.get(key),
      }),
    );
    if (!page) return undefined;
    const delta =
      page.objects.length && container.prefix
        ? await this.tryList((client) => deltaTableOf(client, container.bucket, container.prefix))
        : undefined;
    const superseded = (key: string) => isSuperseded(delta, key);
    const items: BucketItem[] = [
      ...page.prefixes.map((p) => new PrefixNode(container.bucket, p)),
      ...page.objects.map((o) => new ObjectNode(container.bucket, o, superseded(o.key))),
    ];
    const loaded = { items: [...(previous?.items ?? []), ...items], nextToken: page.nextToken };
    this.loaded.set(key, loaded);
    return loaded;
  }

  private withMore(container: Container, loaded: Loaded): BucketItem[] {
    return loaded.nextToken ? [...loaded.items, new LoadMoreNode(container, loaded.items.length)] : loaded.items;
  }

  private async tryList<T>(list: (client: Client) => Promise<T>, { publish = true } = {}): Promise<T | undefined> {
    const config = this.services.project();
    try {
      const { client } = await this.client();
      const result = await list(client);
      this.problem = undefined;
      if (publish) await this.publishProblem();
      return result;
    } catch (error) {
      const explained = config.profileProblem && (error as Error).message === config.profileProblem
        ? missingKeyError(config.profile, config.profileProblem)
        : explainForProfile(explainS3Error(error, endpointOf(config)), config.profile);
      this.services.diagnostics.warn(explained.describe());
      this.problem = { kind: classifyS3Error(explained), error: explained };
      if (publish) await this.publishProblem();
      return undefined;
    }
  }

  private async publishProblem(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'etlSpark.s3.problem', this.problem?.kind ?? '');
  }
}

/** Files of a Delta table folder that its current snapshot does not include are marked, not hidden. */
function isSuperseded(snapshot: DeltaSnapshot | undefined, key: string): boolean {
  return snapshot !== undefined && fileStatus(snapshot, key) === 'superseded';
}
