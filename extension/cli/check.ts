import { Command } from 'commander';
import { formatCheckTable, isBlocking } from '../core/checks/results';
import { runChecks } from '../core/checks/run';
import { EtlError } from '../core/errors';
import { openProject } from '../core/project';
import type { StackModeSetting } from '../core/stack/backend';
import { resolveStackMode } from '../core/stack/index';
import { withStopSignals } from './signals';
import { modeOption } from './stack';

interface CheckOptions {
  json?: boolean;
  only: string[];
  mode?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `etl check`: the checks of config/checks.yaml on current gold; exit 1 when an error check fails. */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('run the data-quality checks of config/checks.yaml on current gold (DuckDB on the current files)')
    .option('--json', 'print the results as one JSON document')
    .option('--only <name>', 'run only this check (repeatable)', collect, [])
    .addOption(modeOption())
    .action(async (options: CheckOptions) => {
      const config = openProject();
      const mode = await resolveStackMode((options.mode as StackModeSetting | undefined) ?? config.stackMode, config);
      await withStopSignals(async (signal) => {
        const run = await runChecks(config, options.only, mode, {}, signal);
        process.stdout.write(options.json ? `${JSON.stringify(run, null, 2)}\n` : `${formatCheckTable(run.checks)}\n`);
        const failed = run.checks.filter(isBlocking);
        if (failed.length) // exit 1 (cli.ts): the results are printed above
          throw new EtlError(`${failed.length} error check(s) failed on gold: ${failed.map((r) => r.name).join(', ')}`);
      });
    });
}
