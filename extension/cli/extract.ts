import { Command } from 'commander';
import { ExtractProgress, formatBytes } from '../core/extract/events';
import { runExtract, type ExtractRequest } from '../core/extract/run';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { usageError } from './args';
import { modeOption } from './stack';

interface ExtractOptions {
  months: string;
  source?: string;
  sample?: boolean;
  runId?: string;
  zones?: boolean;
  mode?: string;
}

function requestFrom(options: ExtractOptions): ExtractRequest {
  if (options.source && options.sample) throw usageError('give either --source or --sample, not both');
  const source = options.sample ? { sample: true as const } : options.source ? { template: options.source } : undefined;
  return { months: options.months, source, runId: options.runId, noZones: options.zones === false };
}

/** `etl extract`: runs the extractor with --progress-json and prints one progress line per event (files, bytes). */
export function registerExtractCommand(program: Command): void {
  program
    .command('extract')
    .description('extract monthly NYC taxi files into the MinIO rawzone (python -m etl.extract)')
    .requiredOption('--months <spec>', 'months: 2024-01, 2024-01..2024-03, or a comma list')
    .option('--source <template>', 'trip file URL template with {YYYY} and {MM} (file://, http://, https://)')
    .option('--sample', 'use the committed sample in Data_extracted/')
    .option('--run-id <id>', 'id recorded in the manifest and logs')
    .option('--no-zones', 'do not extract the zone table')
    .addOption(modeOption())
    .action(async (options: ExtractOptions) => {
      const config = openProject();
      const request = {
        ...requestFrom(options),
        mode: await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config),
      };
      const progress = new ExtractProgress();
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const result = await runExtract(config, request, (event) => {
          progress.apply(event);
          if (event.event === 'file_done')
            process.stderr.write(`  ${event.status} ${event.path} (${formatBytes(event.size)})\n`);
          else if (event.event === 'retry')
            process.stderr.write(`  retry ${event.month ?? 'zones'} attempt ${event.attempt}: ${event.error}\n`);
          else if (event.event === 'bytes' || event.event === 'run_start')
            process.stderr.write(`  ${progress.describe()}\n`);
        }, controller.signal);
        process.stdout.write(
          `run ${result.runId}: ${result.files} file(s), ${formatBytes(result.bytes)}; manifest ${result.manifest}\n`,
        );
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
