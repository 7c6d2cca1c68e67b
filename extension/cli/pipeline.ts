import { Command } from 'commander';
import { formatBytes } from '../core/extract/events';
import { pipelineSteps, runPipeline, SAMPLE_MONTHS, type PipelineRequest } from '../core/pipeline/run';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { formatQualityReport } from '../core/transform/events';
import { usageError } from './args';
import { extractPrinter, requestFrom, type ExtractOptions } from './extract';
import { withStopSignals } from './signals';
import { modeOption } from './stack';
import { transformPrinter } from './transform';

interface PipelineOptions extends Omit<ExtractOptions, 'months'> {
  months?: string;
  month?: string;
  verbose?: boolean;
}

/**
 * `etl pipeline`: extract, then clean_and_transform that extraction run (extension/core/pipeline),
 * as `npm run main` and the extension's Run Pipeline do. Alone it runs the committed sample.
 */
export function registerPipelineCommand(program: Command): void {
  program
    .command('pipeline')
    .description(`extract, then transform what was extracted (default: the committed sample, ${SAMPLE_MONTHS})`)
    .option('--months <spec>', 'months: 2024-01, 2024-01..2024-03, or a comma list (source: the TLC unless --sample)')
    .option('--month <YYYY-MM>', 'one month (the same as --months YYYY-MM)')
    .option('--source <template>', 'trip file URL template with {YYYY} and {MM} (file://, http://, https://)')
    .option('--sample', 'use the committed sample in Data_extracted/')
    .option('--zones <url-or-path>', 'taxi zone lookup CSV, a URL or a local path')
    .option('--no-zones', 'do not extract the zone table')
    .option('--run-id <id>', 'id of the extraction run')
    .option('--verbose', "also print Spark's own log lines")
    .addOption(modeOption())
    .action(async (options: PipelineOptions) => {
      if (options.month && options.months) throw usageError('give either --month or --months, not both');
      const months = options.month ?? options.months; // none: the pipeline's default, the sample
      const config = openProject();
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      const request: PipelineRequest = { ...requestFrom({ ...options, months: months ?? '' }), months, mode };
      await withStopSignals(async (signal) => {
        const printers = { onExtractEvent: extractPrinter(), transform: transformPrinter(options.verbose) };
        const steps = pipelineSteps(config, printers, signal);
        const result = await runPipeline(request, {
          extract: (extract) => {
            process.stderr.write(`extract ${extract.months}\n`);
            return steps.extract(extract);
          },
          transform: (transform) => {
            process.stderr.write(`transform extraction run ${transform.run}\n`);
            return steps.transform(transform);
          },
        });
        if (!result) return;
        const { extracted, report } = result;
        const totals = `${extracted.files} file(s), ${formatBytes(extracted.bytes)}`;
        process.stdout.write(`extract run ${extracted.runId}: ${totals}; manifest ${extracted.manifest}\n`);
        process.stdout.write(`${formatQualityReport(report)}\n`);
      });
    });
}
