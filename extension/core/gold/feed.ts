import type { GoldCatalog, GridSource } from './catalog';
import type { GridPage } from './engine';
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

  static async query(catalog: GoldCatalog, sql: string): Promise<GridFeed> {
    const source = await catalog.query(sql);
    return new GridFeed(catalog, `Query: ${source.title}`, undefined, source);
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
