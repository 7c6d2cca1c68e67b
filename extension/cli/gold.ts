import { Command } from 'commander';
import { GoldCatalog, goldCacheDir } from '../core/gold/catalog';
import { compareVersion, formatVersionCompare } from '../core/gold/compareVersion';
import { openProject } from '../core/project';
import { endpointOf, s3Client } from '../core/s3/client';
import { explainS3Error } from '../core/s3/errors';
import { parseVersion } from './asOfArgs';

/**
 * `etl gold compare TABLE --version N`: a gold table at version N against its current version, the diff of
 * `etl preview` (core/diff) with rows per partition; VS Code's "Compare with Current" on a History version.
 */
export function registerGoldCommands(program: Command): void {
  const gold = program.command('gold').description('the gold Delta tables: compare a version with the current one');
  gold
    .command('compare')
    .description(
      'diff a gold table at version N with its current version: rows added, removed and changed, per partition ' +
        '(year, month) for a partitioned table, and the schema changes; reads only, publishes nothing',
    )
    .argument('<table>', 'a gold table: its folder (fact_trips, quarantine/rejected_trips) or SQL name')
    .requiredOption('--version <n>', 'the older version (History in the Gold tables view lists them)', parseVersion)
    .option('--json', 'print the whole compare as JSON')
    .action(async (table: string, options: { version: number; json?: boolean }) => {
      const config = openProject();
      const catalog = new GoldCatalog({
        client: s3Client(config),
        bucket: config.buckets.gold,
        cache: { dir: goldCacheDir(config.paths.state) },
      });
      try {
        const compare = await compareVersion(catalog, table, options.version).catch((error: unknown) => {
          throw explainS3Error(error, endpointOf(config));
        });
        process.stdout.write(options.json ? `${JSON.stringify(compare)}\n` : `${formatVersionCompare(compare)}\n`);
      } finally {
        await catalog.close();
      }
    });
}
