import { Command } from 'commander';
import { GoldCatalog, goldCacheDir } from '../core/gold/catalog';
import { comparePreview, loadGold } from '../core/preview/compare';
import type { PreviewEvent } from '../core/preview/events';
import { formatPreview } from '../core/preview/format';
import { runPreview } from '../core/preview/run';
import { ensureDevSession } from '../core/preview/session';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { endpointOf, s3Client } from '../core/s3/client';
import { explainS3Error } from '../core/s3/errors';
import type { StackModeSetting } from '../core/stack/backend';
import { openStack } from '../core/stack/index';
import { withStopSignals } from './signals';
import { modeOption } from './stack';

interface PreviewOptions {
  run?: string;
  months?: string;
  sample?: boolean;
  code?: string;
  json?: boolean;
  mode?: string;
}

/**
 * `etl preview`: the working tree's transform on the warm dev session (started if it is not), its tables
 * diffed against gold; nothing is published.
 */
export function registerPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description(
      "run the working tree's transform on the dev session and diff its output with gold (publishes nothing)",
    )
    .option('--run <runId>', 'an extraction run of the manifest (default: the last one)')
    .option('--months <spec>', 'months of the rawzone, e.g. 2024-01..2024-02')
    .option('--sample', 'the bundled sample (Data_extracted/), nothing extracted needed')
    .option('--code <dir>', 'the folder holding the etl package to run (default: src/ of the project)')
    .option('--json', 'print the whole diff as JSON')
    .addOption(modeOption())
    .action(async (options: PreviewOptions) => {
      const config = openProject();
      const stack = await openStack(config, (options.mode as StackModeSetting | undefined) ?? config.stackMode);
      await withStopSignals(async (signal) => {
        await ensureDevSession(stack, config, consoleReporter());
        const catalog = new GoldCatalog({
          client: s3Client(config),
          bucket: config.buckets.gold,
          cache: { dir: goldCacheDir(config.paths.state) },
        });
        const explained = (error: unknown) => {
          throw explainS3Error(error, endpointOf(config));
        };
        // Gold's side of the diff loads while the preview runs.
        const gold = loadGold(catalog).catch(explained);
        gold.catch(() => undefined); // awaited below; a failure is reported after the preview's own
        try {
          const source = { run: options.run, months: options.months, sample: options.sample };
          const request = { ...source, mode: stack.mode, codeDir: options.code };
          const preview = await runPreview(config, request, printPreviewEvent, signal);
          const diff = await comparePreview(catalog, preview, await gold).catch(explained);
          process.stdout.write(options.json ? `${JSON.stringify(diff)}\n` : `${formatPreview(diff)}\n`);
        } finally {
          // A preview that fails at once (a syntax error) leaves gold's views being made: DuckDB closed under a
          // running statement crashes the CLI (SIGSEGV) or hangs it, so the load ends first.
          await gold.catch(() => undefined);
          await catalog.close();
        }
      });
    });
}

function printPreviewEvent(event: PreviewEvent): void {
  if (event.event === 'preview_inputs') process.stderr.write(`  ${event.described}: ${event.months.join(', ')}\n`);
  else if (event.event === 'phase') process.stderr.write(`  [${event.phase}]\n`);
}
