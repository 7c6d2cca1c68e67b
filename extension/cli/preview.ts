import { Command } from 'commander';
import { GoldCatalog, goldCacheDir } from '../core/gold/catalog';
import type { PreviewEvent } from '../core/preview/events';
import { previewChange } from '../core/preview/flow';
import { formatPreview } from '../core/preview/format';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { checkRunId } from '../core/runId';
import { s3Client } from '../core/s3/client';
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
    .option('--sample', 'the newest extraction of the bundled sample (`etl extract --sample`)')
    .option('--code <dir>', 'the folder holding the etl package to run (default: src/ of the project)')
    .option('--json', 'print the whole diff as JSON')
    .addOption(modeOption())
    .action(async (options: PreviewOptions) => {
      if (options.run) checkRunId(options.run, '--run'); // before the stack is asked for
      const config = openProject();
      const stack = await openStack(config, (options.mode as StackModeSetting | undefined) ?? config.stackMode);
      await withStopSignals(async (signal) => {
        const catalog = new GoldCatalog({
          client: s3Client(config),
          bucket: config.buckets.gold,
          cache: { dir: goldCacheDir(config.paths.state) },
        });
        try {
          const request = { run: options.run, months: options.months, sample: options.sample, codeDir: options.code };
          const reporter = consoleReporter();
          const diff = await previewChange({ config, stack, catalog, request, reporter, onEvent, signal });
          process.stdout.write(options.json ? `${JSON.stringify(diff)}\n` : `${formatPreview(diff)}\n`);
        } finally {
          await catalog.close();
        }
      });
    });
}

function onEvent(event: PreviewEvent): void {
  if (event.event === 'preview_inputs') process.stderr.write(`  ${event.described}: ${event.months.join(', ')}\n`);
  else if (event.event === 'phase') process.stderr.write(`  [${event.phase}]\n`);
}
