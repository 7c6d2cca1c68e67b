import type { GoldCatalog, GridSource } from './catalog';
import type { GridPage } from './engine';
import { exportStem, type ExportFormat, type ExportResult } from './export';
import type { SortSpec } from './sql';
import type { GoldTableRef } from './tables';

export const PAGE_SIZE = 100;

/**
 * What a grid shows: a table preview or a query result, page by page. A preview's first page comes
 * from a view over the table's first files only; sorting, or paging past them, switches to the
 * whole table once.
 */
export class GridFeed {
  private head?: GridSource;
  private whole?: GridSource;
  /** The query behind a query result (export names its file after the tables it reads). */
  private sql?: string;

  private constructor(
    private readonly catalog: GoldCatalog,
    readonly title: string,
    private readonly table?: GoldTableRef,
    source?: GridSource,
  ) {
    this.whole = source;
  }

  /** `title`: the tab's title when not the table's (a past version: `Gold: fact_trips@v3`). */
  static preview(catalog: GoldCatalog, table: GoldTableRef, title = `Gold: ${table.name}`): GridFeed {
    return new GridFeed(catalog, title, table);
  }

  /** `title`: the tab's title when not the query's first line (a .sql file's name and line). */
  static async query(catalog: GoldCatalog, sql: string, title?: string): Promise<GridFeed> {
    const source = await catalog.query(sql);
    const feed = new GridFeed(catalog, title ?? `Query: ${source.title}`, undefined, source);
    feed.sql = sql;
    return feed;
  }

  /** A result already in the catalog's DuckDB (the rows behind a diff's count). */
  static of(catalog: GoldCatalog, source: GridSource): GridFeed {
    return new GridFeed(catalog, source.title, undefined, source);
  }

  /** The table a preview shows (its folder in gold, e.g. `fact_trips`); undefined for a query result. */
  get tableRoot(): string | undefined {
    return this.table?.root.replace(/\/$/, '');
  }

  async page(offset: number, sort?: SortSpec, limit = PAGE_SIZE): Promise<GridPage> {
    const source = await this.sourceFor(offset + limit, sort);
    return this.catalog.page(source, { offset: Math.max(0, offset), limit, sort });
  }

  /** A file name (no extension) for an export of what this grid shows. */
  get exportStem(): string {
    return exportStem({ table: this.table?.name, title: this.title, sql: this.sql });
  }

  /** Every row (every page, not only those seen), in the grid's current `sort`, to a CSV or Parquet file. */
  async export(target: string, format: ExportFormat, sort?: SortSpec): Promise<ExportResult> {
    const source = await this.sourceFor(Number.POSITIVE_INFINITY, sort);
    return this.catalog.export(source, target, format, sort);
  }

  private async sourceFor(rows: number, sort?: SortSpec): Promise<GridSource> {
    if (this.whole) return this.whole;
    if (!this.table) throw new Error('a grid feed without a table or a query');
    if (!sort && rows <= PAGE_SIZE) {
      this.head ??= await this.catalog.preview(this.table, PAGE_SIZE);
      return this.head;
    }
    this.whole = await this.catalog.preview(this.table);
    return this.whole;
  }
}
