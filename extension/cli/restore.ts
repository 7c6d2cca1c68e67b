import { Command } from 'commander';
import { openProject } from '../core/project';
import { describeRestoreEvent } from '../core/restore/events';
import { loadRestorePlan } from '../core/restore/load';
import { checkRunId, describePlan, newRestoreId, restoreSteps } from '../core/restore/plan';
import { runRestore } from '../core/restore/run';
import { endpointOf, s3Client } from '../core/s3/client';
import { explainS3Error } from '../core/s3/errors';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { withStopSignals } from './signals';
import { modeOption } from './stack';

interface RestoreOptions {
  beforeRun: string;
  dryRun?: boolean;
  runId?: string;
  mode?: string;
}

/** `etl restore --before-run RUN`: every gold table RUN wrote goes back to its version before RUN. */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description(
      'put every gold table a run wrote back to its version before that run (Delta RESTORE, one commit per table)',
    )
    .requiredOption('--before-run <runId>', 'the run to undo (later commits to the same tables are undone too)')
    .option('--dry-run', 'print the plan (table: version now → then, rows now → then) and change nothing')
    .option('--run-id <id>', "this restore's id (default restore-<UTC time>-<hex>; report gold/_quality/<id>.json)")
    .addOption(modeOption())
    .action(async (options: RestoreOptions) => {
      checkRunId(options.beforeRun, '--before-run'); // before any S3 read: the id names objects
      const restoreId = options.runId ? checkRunId(options.runId, '--run-id') : newRestoreId();
      const config = openProject();
      const plan = await loadRestorePlan(config, s3Client(config), options.beforeRun).catch((error: unknown) => {
        throw explainS3Error(error, endpointOf(config));
      });
      process.stdout.write(`${describePlan(plan).join('\n')}\n`);
      if (options.dryRun || !restoreSteps(plan).length) return;
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      await withStopSignals(async (signal) => {
        process.stderr.write(`  restore ${restoreId}: a local Spark session, one RESTORE commit per table\n`);
        const onEvent = (event: Parameters<typeof describeRestoreEvent>[0]) => {
          const line = describeRestoreEvent(event);
          if (line) process.stderr.write(`  ${line}\n`);
        };
        const report = await runRestore(config, { plan, restoreId, mode }, onEvent, signal);
        process.stdout.write(
          `restored ${report.restored.join(', ')} to before run ${plan.beforeRun} ` +
            `(restore ${report.run_id}, report ${report.report_path ?? 'gold/_quality'})\n`,
        );
      });
    });
}
