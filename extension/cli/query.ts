import { Command, InvalidArgumentError } from 'commander';
import { GoldCatalog, goldCacheDir } from '../core/gold/catalog';
import { formatPage } from '../core/gold/textTable';
import { openProject } from '../core/project';
import { endpointOf, s3Client } from '../core/s3/client';
import { explainS3Error } from '../core/s3/errors';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
};

/** `etl query "<sql>"`: SQL over the gold Delta tables (the same core as VS Code's "Query Gold…"). */
export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('run SQL over the gold tables (DuckDB over their current Delta snapshots), print the first rows')
    .argument('<sql>', 'one SELECT, e.g. "SELECT pickup_month, count(*) FROM fact_trips GROUP BY 1"')
    .option('--limit <n>', 'rows to print', positive, 50)
    .option('--json', 'print {columns, rows, total} as JSON (values as exact text, null as null)')
    .action(async (sql: string, options: { limit: number; json?: boolean }) => {
      const config = openProject();
      const catalog = new GoldCatalog({
        client: s3Client(config),
        bucket: config.buckets.gold,
        cache: { dir: goldCacheDir(config.paths.state) },
      });
      try {
        const source = await catalog.query(sql).catch((error: unknown) => {
          throw explainS3Error(error, endpointOf(config));
        });
        const page = await catalog.page(source, { offset: 0, limit: options.limit });
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ columns: page.columns, rows: page.rows, total: page.total })}\n`
            : `${formatPage(page)}\n`,
        );
      } finally {
        await catalog.close();
      }
    });
}
