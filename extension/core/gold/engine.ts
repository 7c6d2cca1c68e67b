import type { DuckDBConnection, DuckDBInstance, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { EtlError } from '../errors';
import { loadDuckDb } from './duckdb';
import { pageSql, quoteIdent, statementBody, type SortSpec } from './sql';

/** A column of the grid: its name, DuckDB type, and whether it is a number (right-aligned). */
export interface GridColumn {
  name: string;
  type: string;
  numeric: boolean;
}

/** A page as the grid shows it: every value already text (exact: 64-bit integers, ns timestamps), null kept. */
export interface GridPage {
  columns: GridColumn[];
  rows: (string | null)[][];
  offset: number;
  /** Rows of the whole source, when known. */
  total?: number;
  sort?: SortSpec;
  ms: number;
}

export interface PageRequest {
  offset: number;
  limit: number;
  sort?: SortSpec;
  /** A column to show first (the quarantine's `reject_rule`). */
  first?: string;
}

const NUMERIC = /^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|DOUBLE|FLOAT|REAL|DECIMAL.*)$/;

/**
 * Text of a DuckDB value without passing through a JS Date or a float: DuckDB's own value classes
 * print timestamps with all their digits (TIMESTAMP_NS: nine), BIGINT arrives as bigint.
 */
export function cellText(value: DuckDBValue): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

const columnOf = (name: string, type: DuckDBType): GridColumn => ({
  name,
  type: String(type),
  numeric: NUMERIC.test(String(type)),
});

/**
 * An in-memory DuckDB over local files. Extension autoloading and autoinstall are off: nothing
 * is ever downloaded at run time (the Parquet reader is built into DuckDB itself).
 */
export class GoldEngine {
  private resultCount = 0;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<GoldEngine> {
    const instance = await (await loadDuckDb()).DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    return new GoldEngine(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async createView(name: string, select: string): Promise<void> {
    await this.connection.run(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS ${select}`);
  }

  /** Every row of a (small) result, each value as exact text (null kept). */
  async rows(sql: string): Promise<{ columns: string[]; rows: (string | null)[][] }> {
    const reader = await this.connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: reader.getRows().map((row) => row.map(cellText)) };
  }

  /** The columns of a view, a result table or a SELECT, with their DuckDB types. */
  async columns(source: string): Promise<{ name: string; type: string }[]> {
    const { rows } = await this.rows(`DESCRIBE ${source}`);
    return rows.map((row) => ({ name: row[0] ?? '', type: row[1] ?? '' }));
  }

  async count(source: string): Promise<number> {
    const reader = await this.connection.runAndReadAll(`SELECT count(*) FROM ${source}`);
    return Number(reader.getRows()[0][0]);
  }

  /** One page of a view or result table, sorted and paged by DuckDB. */
  async page(source: string, request: PageRequest, total?: number): Promise<GridPage> {
    const started = performance.now();
    const reader = await this.connection.runAndReadAll(
      pageSql(source, request.offset, request.limit, request.sort, request.first),
    );
    const types = reader.columnTypes();
    const columns = reader.columnNames().map((name, i) => columnOf(name, types[i]));
    const rows = reader.getRows().map((row) => row.map(cellText));
    return { columns, rows, offset: request.offset, total, sort: request.sort, ms: performance.now() - started };
  }

  /**
   * Runs the user's SELECT once into a temporary table, so paging and sorting its result never
   * runs the query again. Returns that table's name and row count.
   */
  async materialize(sql: string): Promise<{ source: string; total: number }> {
    const body = statementBody(sql);
    if (!body)
      throw new EtlError(
        'the query is empty',
        'type a SELECT over the gold tables, e.g. SELECT * FROM fact_trips LIMIT 10',
      );
    const source = quoteIdent(`etl_result_${++this.resultCount}`);
    try {
      await this.connection.run(`CREATE OR REPLACE TEMP TABLE ${source} AS ${body}`);
    } catch (error) {
      throw new EtlError(
        `the query failed: ${error instanceof Error ? error.message : String(error)}`,
        'fix the SQL (one SELECT; the gold tables are views named fact_trips, dim_zone, …)',
      );
    }
    return { source, total: await this.count(source) };
  }

  /**
   * Runs a COPY … TO $1 with `path` bound to $1 (a file name never becomes SQL text); returns the rows written.
   */
  async copyTo(copy: string, path: string): Promise<number> {
    const statement = await this.connection.prepare(copy);
    statement.bindVarchar(1, path);
    const reader = await statement.runAndReadAll();
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  async drop(source: string): Promise<void> {
    await this.connection.run(`DROP TABLE IF EXISTS ${source}`);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
