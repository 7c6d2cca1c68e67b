import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../core/errors';
import { GoldCatalog, goldCacheDir } from '../core/gold/catalog';
import { exportFormatOf } from '../core/gold/export';
import { formatPage } from '../core/gold/textTable';
import { openProject } from '../core/project';
import { endpointOf, s3Client } from '../core/s3/client';
import { explainS3Error } from '../core/s3/errors';
import { asOfOf, parseTimestamp, parseVersion, versionsLine, type AsOfOptions } from './asOfArgs';

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
};

const AS_OF = ['asOfRun', 'asOfVersion', 'asOf'];
const others = (name: string) => AS_OF.filter((n) => n !== name);

/** `etl query "<sql>"`: SQL over the gold Delta tables (the same core as VS Code's "Query Gold…"). */
export function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description(
      'run SQL over the gold tables (DuckDB over their current Delta snapshots, or as of a run, version or ' +
        'time), print the first rows',
    )
    .argument('<sql>', 'one SELECT, e.g. "SELECT pickup_month, count(*) FROM fact_trips GROUP BY 1"')
    .option('--limit <n>', 'rows to print', positive, 50)
    .option('--json', 'print {columns, rows, total} as JSON (values as exact text, null as null)')
    .option(
      '--out <file>',
      'write every row of the result to a file instead: CSV with a header (.csv) or Parquet (.parquet), by DuckDB',
    )
    .addOption(
      new Option('--as-of-run <run>', 'time travel: every table as that transform run left it').conflicts(
        others('asOfRun'),
      ),
    )
    .addOption(
      new Option(
        '--as-of-version <n>',
        'time travel: version N of every table mentioned (a version is per table: mostly useful with one table)',
      )
        .argParser(parseVersion)
        .conflicts(others('asOfVersion')),
    )
    .addOption(
      new Option(
        '--as-of <timestamp>',
        'time travel: every table as it was at that time (ISO 8601 with zone, e.g. 2026-12-04T08:00:00Z, or a date)',
      )
        .argParser(parseTimestamp)
        .conflicts(others('asOf')),
    )
    .action(async (sql: string, options: { limit: number; json?: boolean; out?: string } & AsOfOptions) => {
      const format = options.out === undefined ? undefined : exportFormatOf(options.out);
      if (options.out !== undefined && !format)
        throw new UsageError(`--out ${options.out}: the file name ends with .csv or .parquet`);
      const config = openProject();
      const asOf = asOfOf(options);
      const catalog = new GoldCatalog({
        client: s3Client(config),
        bucket: config.buckets.gold,
        cache: { dir: goldCacheDir(config.paths.state) },
        asOf,
      });
      try {
        const source = await catalog.query(sql).catch((error: unknown) => {
          throw explainS3Error(error, endpointOf(config));
        });
        // Said first, on stderr: stdout stays the result alone (pipes, --json).
        if (asOf) process.stderr.write(`as of: ${versionsLine(catalog.versionsRead) || 'no gold table mentioned'}\n`);
        if (options.out && format) {
          const done = await catalog.export(source, resolve(options.out), format);
          process.stdout.write(
            options.json
              ? `${JSON.stringify(done)}\n`
              : `wrote ${done.rows} row(s) to ${done.path} (${format}, ${done.bytes} bytes)\n`,
          );
          return;
        }
        const page = await catalog.page(source, { offset: 0, limit: options.limit });
        const versions = asOf ? { asOf: Object.fromEntries(catalog.versionsRead) } : {};
        process.stdout.write(
          options.json
            ? `${JSON.stringify({ columns: page.columns, rows: page.rows, total: page.total, ...versions })}\n`
            : `${formatPage(page)}\n`,
        );
      } finally {
        await catalog.close();
      }
    });
}
