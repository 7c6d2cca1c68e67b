import { Command } from 'commander';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { formatQualityReport } from '../core/transform/events';
import { runTransform } from '../core/transform/run';
import { modeOption } from './stack';

interface TransformOptions {
  run?: string;
  runId?: string;
  verbose?: boolean;
  mode?: string;
}

/** `etl transform`: spark-submits clean_and_transform, streams stage/task progress, prints the quality report. */
export function registerTransformCommand(program: Command): void {
  program
    .command('transform')
    .description('clean the rawzone trips into the gold star schema on the Spark cluster (python -m etl.submit)')
    .option('--run <runId>', 'extraction run to transform (default: every run in the manifest)')
    .option('--run-id <id>', 'id of this transform run (report gold/_quality/<id>.json, logs)')
    .option('--verbose', "also print Spark's own log lines")
    .addOption(modeOption())
    .action(async (options: TransformOptions) => {
      const config = openProject();
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      const controller = new AbortController();
      const onSigint = () => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const report = await runTransform(config, { run: options.run, runId: options.runId, mode }, {
          onEvent: (event) => {
            if (event.event === 'run_start')
              process.stderr.write(`  application ${event.app_id} on ${event.master} (UI ${event.ui_url ?? '?'})\n`);
            else if (event.event === 'phase')
              process.stderr.write(`  ${event.phase}${event.files ? ` ${event.files.length} file(s)` : ''}\n`);
            else if (event.event === 'table_written') process.stderr.write(`  committed ${event.path}\n`);
          },
          onProgress: (_progress, text) => process.stderr.write(`  ${text}\n`),
          onLog: options.verbose ? (line) => process.stderr.write(`  | ${line}\n`) : undefined,
        }, controller.signal);
        process.stdout.write(`${formatQualityReport(report)}\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
