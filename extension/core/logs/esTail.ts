import type { Client } from '@elastic/elasticsearch';
import { esClient, explainEsError, type EsTarget } from '../elasticsearch/client';
import type { LogSource, RecordSink } from './fileTail';
import { recordFromEcs, runIdsOf, type LogFilter, type LogRecord } from './record';

/** Where (url, CA, credentials: esTarget(config)) and what to tail. */
export interface EsTailOptions extends EsTarget {
  index: string;
  filter?: LogFilter;
  pollMs?: number;
  /** Documents can become searchable out of order (refresh, late shippers): re-read this far back. */
  overlapMs?: number;
  /** Start this far in the past (0: only new documents). */
  lookbackMs?: number;
  pageSize?: number;
}

/** A bounded set of seen ids: the overlap window re-reads documents, this drops the repeats. */
class SeenIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 50_000) {}
  /** True when the id is new (and remembers it). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

function filterClauses(filter: LogFilter = {}): object[] {
  const clauses: object[] = [];
  // match, not term: dynamic mappings make these text+keyword, match works on both.
  if (filter.runId) {
    const ids = runIdsOf(filter.runId);
    const should = ids.flatMap((id) => [
      { match_phrase: { 'etl.run_id': id } },
      { match_phrase: { 'labels.run_id': id } },
    ]);
    clauses.push({ bool: { should, minimum_should_match: 1 } });
  }
  if (filter.step) clauses.push({ match_phrase: { 'etl.step': filter.step } });
  if (filter.levels?.length)
    clauses.push({
      bool: { should: filter.levels.map((level) => ({ match: { 'log.level': level } })), minimum_should_match: 1 },
    });
  return clauses;
}

/**
 * Tails ECS log documents in Elasticsearch: polls for documents with @timestamp
 * at or after (newest seen − overlap), sorted by @timestamp, and drops ids already shown.
 */
export class EsLogTail implements LogSource {
  readonly kind = 'elasticsearch' as const;
  private readonly client: Client;
  private readonly seen = new SeenIds();
  private since: number;
  private timer?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly options: EsTailOptions,
    private readonly sink: RecordSink,
  ) {
    this.client = esClient(options, 5000);
    this.since = Date.now() - (options.lookbackMs ?? 0);
  }

  /** Throws when Elasticsearch does not answer (the caller falls back to files). */
  async start(): Promise<void> {
    try {
      // Not ping(): GET / is not served by the integ-test ES distribution the native stack runs.
      await this.client.cluster.health({ timeout: '2s' });
      await this.poll();
    } catch (error) {
      throw explainEsError(error, this.options);
    }
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.options.pollMs ?? 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    void this.client.close();
  }

  async poll(): Promise<LogRecord[]> {
    if (this.polling) return [];
    this.polling = true;
    try {
      const fresh = await this.fetchSince(this.since - (this.options.overlapMs ?? 5000));
      if (fresh.length) this.sink(fresh);
      return fresh;
    } finally {
      this.polling = false;
    }
  }

  private async fetchSince(fromMs: number): Promise<LogRecord[]> {
    const fresh: LogRecord[] = [];
    let searchAfter: unknown[] | undefined;
    for (;;) {
      const response = await this.client.search({
        index: this.options.index,
        ignore_unavailable: true,
        allow_no_indices: true,
        size: this.options.pageSize ?? 500,
        query: {
          bool: {
            filter: [
              { range: { '@timestamp': { gte: new Date(fromMs).toISOString() } } },
              ...filterClauses(this.options.filter),
            ],
          },
        },
        sort: [{ '@timestamp': { order: 'asc', unmapped_type: 'date' } }, { _doc: 'asc' }] as never,
        ...(searchAfter ? { search_after: searchAfter as never } : {}),
      });
      const hits = response.hits.hits;
      for (const hit of hits) {
        const record = recordFromEcs((hit._source ?? {}) as Record<string, unknown>, `${hit._index}/${hit._id}`);
        const at = Date.parse(record.timestamp);
        if (Number.isFinite(at) && at > this.since) this.since = at;
        if (this.seen.add(record.id)) fresh.push(record);
      }
      if (hits.length < (this.options.pageSize ?? 500)) return fresh;
      searchAfter = hits[hits.length - 1].sort as unknown[];
    }
  }
}
