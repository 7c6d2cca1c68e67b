import { resolve } from 'node:path';
import { Command } from 'commander';
import { ExtractProgress, formatBytes, type ExtractEvent } from '../core/extract/events';
import { runExtract, type ExtractRequest, type ExtractResult } from '../core/extract/run';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { usageError } from './args';
import { withStopSignals } from './signals';
import { modeOption } from './stack';

export interface ExtractOptions {
  months: string;
  source?: string;
  sample?: boolean;
  runId?: string;
  /** --zones <url-or-path> gives a string; --no-zones gives false. */
  zones?: string | boolean;
  mode?: string;
}

export function requestFrom(options: ExtractOptions): ExtractRequest {
  if (options.source && options.sample) throw usageError('give either --source or --sample, not both');
  const source = options.sample ? { sample: true as const } : options.source ? { template: options.source } : undefined;
  const zones = typeof options.zones === 'string' ? zonesLocation(options.zones) : undefined;
  return { months: options.months, source, runId: options.runId, noZones: options.zones === false, zones };
}

/** A URL as given; a local path is the caller's, resolved here since the extractor runs in the project root. */
function zonesLocation(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : resolve(location);
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
    .option('--zones <url-or-path>',
      'taxi zone lookup CSV, a URL or a local path (default: TLC\'s, or the one beside file:// trip files)')
    .option('--no-zones', 'do not extract the zone table')
    .addOption(modeOption())
    .action(async (options: ExtractOptions) => {
      const config = openProject();
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      await withStopSignals(async (signal) => {
        const result = await runExtract(config, { ...requestFrom(options), mode }, extractPrinter(), signal);
        printExtracted(result);
      });
    });
}

/** One stderr line per file done, retry and byte progress: what `etl extract` and `etl pipeline` show. */
export function extractPrinter(): (event: ExtractEvent) => void {
  const progress = new ExtractProgress();
  const say = (line: string) => process.stderr.write(`  ${line}\n`);
  return (event) => {
    progress.apply(event);
    if (event.event === 'file_done') say(`${event.status} ${event.path} (${formatBytes(event.size)})`);
    else if (event.event === 'retry') say(`retry ${event.month ?? 'zones'} attempt ${event.attempt}: ${event.error}`);
    else if (event.event === 'bytes' || event.event === 'run_start') say(progress.describe());
  };
}

export function printExtracted(result: ExtractResult): void {
  const totals = `${result.files} file(s), ${formatBytes(result.bytes)}`;
  process.stdout.write(`run ${result.runId}: ${totals}; manifest ${result.manifest}\n`);
}
