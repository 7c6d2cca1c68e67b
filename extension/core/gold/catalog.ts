import { join } from 'node:path';
import type { Client } from 'minio';
import { EtlError } from '../errors';
import { asOfRun, resolveRun, versionsLine, type CatalogAsOf, type RunPoint } from './asOf';
import { cachedFiles, DEFAULT_CACHE_BYTES, type CacheOptions } from './cache';
import { readTableLog, type DeltaFile, type DeltaTableState } from './deltaLog';
import { GoldEngine, type GridPage, type PageRequest } from './engine';
import { exportSelect, type ExportFormat, type ExportResult } from './export';
import { historyOf, NotYetCreatedError, replayLog, type AsOf } from './logReplay';
import { tableRows } from './partitions';
import { gridSelect, mentionedTables, quoteIdent, tableSelect, type SortSpec } from './sql';
import { listGoldTables, type GoldTableRef } from './tables';

/** A grid's data: a view or a query result in DuckDB, with what the grid needs to page it. */
export interface GridSource {
  title: string;
  /** SQL name of the view or result table. */
  source: string;
  total?: number;
  /** Shown first (quarantine: the rule that rejected the row). */
  first?: string;
}

export interface CatalogOptions {
  client: Client;
  bucket: string;
  cache: Pick<CacheOptions, 'dir'> & Partial<CacheOptions>;
  /** Time travel: every table as of a version, a time or a run (default: the current snapshots). */
  asOf?: CatalogAsOf;
}

/** Where the local copies live: the stack's state folder (per stack, like its MinIO data). */
export const goldCacheDir = (stateDir: string) => join(stateDir, 'gold-cache');

/**
 * The gold bucket as SQL: every Delta table a DuckDB view over local copies of its current
 * snapshot's files (the log says which files and their partition values). Shared by the VS Code
 * grid, `etl query` and the benchmark. A view is (re)made when its table's version changed.
 * With `asOf`, the snapshots are those of that version, time or run (time travel, `etl query --as-of-*`).
 */
export class GoldCatalog {
  private engine?: Promise<GoldEngine>;
  private readonly views = new Map<string, number>();
  private readonly cache: CacheOptions;
  private run?: Promise<RunPoint>;
  /** SQL name → the version the last query read (with an as-of: the CLI says which). */
  readonly versionsRead = new Map<string, number>();

  constructor(private readonly options: CatalogOptions) {
    this.cache = { maxBytes: DEFAULT_CACHE_BYTES, ...options.cache };
  }

  /** The DuckDB of this catalog: the diff (core/diff) joins its views with other sources there. */
  duck(): Promise<GoldEngine> {
    this.engine ??= GoldEngine.open();
    return this.engine;
  }

  tables(): Promise<GoldTableRef[]> {
    return listGoldTables(this.options.client, this.options.bucket);
  }

  /**
   * The table's snapshot at `at`, else at this catalog's as-of (default: its latest version), with its whole
   * history. `at`: one table at another point (Compare with current reads two versions in one catalog).
   */
  async table(root: string, at?: AsOf): Promise<DeltaTableState> {
    const { client, bucket } = this.options;
    const asOf = at ?? this.options.asOf;
    const log = await readTableLog(client, bucket, root);
    if (!asOf || !('run' in asOf)) return replayLog(log, asOf);
    this.run ??= resolveRun(client, bucket, asOf.run);
    const point = await this.run.catch((error: unknown) => {
      this.run = undefined; // not kept: a later call may find MinIO up again
      throw error;
    });
    return replayLog(log, asOfRun(historyOf(log), point));
  }

  private async localCopies(table: DeltaTableState, files: DeltaFile[] = table.files): Promise<string[]> {
    try {
      return await cachedFiles(this.options.client, this.options.bucket, files, this.cache);
    } catch (error) {
      // An old version's files stay in the bucket until a VACUUM deletes them.
      const code = (error as { code?: string }).code;
      const past = this.options.asOf !== undefined || table.version !== table.history[0]?.version;
      if (past && (code === 'NotFound' || code === 'NoSuchKey'))
        throw new EtlError(
          `the files of version ${table.version} of s3://${this.options.bucket}/${table.root} were removed ` +
            '(VACUUM), so that version can no longer be read',
          'ask for a later version (the Gold tables view\'s History lists them)',
        );
      throw error;
    }
  }

  /**
   * Makes (or refreshes) the view of one table over its current snapshot (or over `state`, named `ref.name`:
   * two versions of one table are two views under two names).
   */
  async register(ref: GoldTableRef, state?: DeltaTableState): Promise<DeltaTableState> {
    const table = state ?? (await this.table(ref.root));
    if (this.views.get(ref.name) === table.version) return table;
    const paths = await this.localCopies(table);
    await (await this.duck()).createView(ref.name, tableSelect(table.columns, table.files, paths));
    this.views.set(ref.name, table.version);
    return table;
  }

  /**
   * The source of a table preview. Unsorted, only the first page is asked for: a view over just
   * the first files that hold `rows` rows (per the log's stats), so the first page of a 10M-row
   * table does not wait for every file. Sorting or paging on uses the whole table's view.
   */
  async preview(ref: GoldTableRef, firstRows?: number): Promise<GridSource> {
    const table = await this.table(ref.root);
    const total = tableRows(table);
    const first =
      ref.kind === 'quarantine' && table.columns.some((c) => c.name === 'reject_rule') ? 'reject_rule' : undefined;
    const head = firstRows === undefined ? undefined : filesHolding(table.files, firstRows);
    if (head && head.length < table.files.length) {
      const name = `etl_head_${ref.name}`;
      const paths = await this.localCopies(table, head);
      await (await this.duck()).createView(name, tableSelect(table.columns, head, paths));
      return { title: ref.root, source: quoteIdent(name), total, first };
    }
    await this.register(ref, table);
    return {
      title: ref.root,
      source: quoteIdent(ref.name),
      total: total ?? (await (await this.duck()).count(quoteIdent(ref.name))),
      first,
    };
  }

  /** Runs SQL over the gold tables it mentions; the result is kept in DuckDB for paging. */
  async query(sql: string): Promise<GridSource> {
    const refs = await this.tables();
    if (!refs.length)
      throw new EtlError(
        `the bucket ${this.options.bucket} has no Delta table yet`,
        'run the pipeline (Extract, then Transform) first',
      );
    const wanted = mentionedTables(
      sql,
      refs.map((r) => r.name),
    );
    this.versionsRead.clear();
    const absent: string[] = [];
    for (const ref of refs.filter((r) => wanted.includes(r.name))) {
      try {
        this.versionsRead.set(ref.name, (await this.register(ref)).version);
      } catch (error) {
        // Created after the as-of point: not in that snapshot (no view), said if the query needs it.
        if (!(error instanceof NotYetCreatedError)) throw error;
        absent.push(`${ref.name}: ${error.message}`);
      }
    }
    const result = await (await this.duck())
      .materialize(sql)
      .catch((error: unknown) => {
        if (!absent.length || !(error instanceof EtlError)) throw error;
        throw new EtlError(
          `not in the snapshot asked for: ${absent.join('; ')}\n  (${error.message.split('\n')[0]})`,
          'ask for a later run or time, or query without that table',
        );
      });
    // A past snapshot says so in the grid's title: the same SQL reads other rows now.
    const asOf = this.options.asOf ? ` (as of ${versionsLine(this.versionsRead)})` : '';
    return { title: sql.trim().split('\n')[0].slice(0, 80) + asOf, source: result.source, total: result.total };
  }

  /** Any SELECT over this catalog's views (a diff's rows), kept in DuckDB for paging. */
  async result(sql: string, title: string): Promise<GridSource> {
    const result = await (await this.duck()).materialize(sql);
    return { title, source: result.source, total: result.total };
  }

  async page(source: GridSource, request: Omit<PageRequest, 'first'>): Promise<GridPage> {
    return (await this.duck()).page(source.source, { ...request, first: source.first }, source.total);
  }

  /** Every row of a grid's source, in the grid's sort, written to `target` (CSV or Parquet) by DuckDB. */
  async export(source: GridSource, target: string, format: ExportFormat, sort?: SortSpec): Promise<ExportResult> {
    return exportSelect(await this.duck(), gridSelect(source.source, sort, source.first), target, format);
  }

  async close(): Promise<void> {
    if (this.engine) (await this.engine).close();
    this.engine = undefined;
    this.views.clear();
  }
}

/** The first files (in snapshot order) that together hold at least `rows` rows; all of them when stats are missing. */
export function filesHolding(files: DeltaFile[], rows: number): DeltaFile[] {
  let seen = 0;
  for (let i = 0; i < files.length; i++) {
    if (files[i].rows === undefined) return files;
    seen += files[i].rows ?? 0;
    if (seen >= rows) return files.slice(0, i + 1);
  }
  return files;
}
