import { Command } from 'commander';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { describeChecks, describeWrite, formatQualityReport } from '../core/transform/events';
import { runTransform, type TransformCallbacks } from '../core/transform/run';
import { withStopSignals } from './signals';
import { modeOption } from './stack';

interface TransformOptions {
  run?: string;
  runId?: string;
  verbose?: boolean;
  force?: boolean;
  mode?: string;
}

/** `etl transform`: spark-submits clean_and_transform, streams stage/task progress, prints the quality report. */
export function registerTransformCommand(program: Command): void {
  program
    .command('transform')
    .description('clean the rawzone trips into the gold star schema on the Spark cluster (python -m etl.submit)')
    .option('--run <runId>', 'extraction run to transform (default: every run in the manifest)')
    .option('--run-id <id>', 'id of this transform run (report gold/_quality/<id>.json, logs)')
    .option('--force', 'run even when nothing changed in rawzone or in the transform code since the last run')
    .option('--verbose', "also print Spark's own log lines")
    .addOption(modeOption())
    .action(async (options: TransformOptions) => {
      const config = openProject();
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      await withStopSignals(async (signal) => {
        process.stderr.write('  [start-up] spark-submit: driver, application on the cluster, executors\n');
        const request = { run: options.run, runId: options.runId, mode, force: options.force };
        const report = await runTransform(config, request, transformPrinter(options.verbose), signal);
        if (report.skipped) process.stderr.write(`  ${report.skipped}\n`);
        process.stdout.write(`${formatQualityReport(report)}\n`);
      });
    });
}

/** The application, its phases, stage/task progress and each commit on stderr (`etl transform`, `etl pipeline`). */
export function transformPrinter(verbose = false): TransformCallbacks {
  return {
    onEvent: (event) => {
      if (event.event === 'previous_unfinished') process.stderr.write(`  note: ${event.message}\n`);
      else if (event.event === 'run_start') {
        const after = event.startup_s !== undefined ? ` after ${event.startup_s} s` : '';
        const ui = event.ui_url ?? '?';
        process.stderr.write(`  application ${event.app_id} on ${event.master}${after} (UI ${ui})\n`);
        if (event.left_out) process.stderr.write(`  ${event.left_out}\n`);
      } else if (event.event === 'phase') {
        process.stderr.write(`  [${event.phase}]${event.files ? ` ${event.files.length} file(s)` : ''}\n`);
      } else if (event.event === 'checks') process.stderr.write(`  ${describeChecks(event.results)}\n`);
      else if (event.event === 'table_written') process.stderr.write(`  ${describeWrite(event)}\n`);
    },
    onProgress: (_progress, text) => process.stderr.write(`  ${text}\n`),
    onLog: verbose ? (line) => process.stderr.write(`  | ${line}\n`) : undefined,
  };
}
