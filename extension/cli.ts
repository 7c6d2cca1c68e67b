#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerCheckCommand } from './cli/check';
import { registerExtractCommand } from './cli/extract';
import { registerGoldCommands } from './cli/gold';
import { registerLineageCommand, registerSourceRowCommand } from './cli/lineage';
import { registerPipelineCommand } from './cli/pipeline';
import { registerPreviewCommand } from './cli/preview';
import { registerProfileCommands } from './cli/profile';
import { registerQueryCommand } from './cli/query';
import { registerRestoreCommand } from './cli/restore';
import { registerSetupCommand } from './cli/setup';
import { registerStackCommands } from './cli/stack';
import { registerTransformCommand } from './cli/transform';
import { registerTriggerCommand } from './cli/trigger';
import { registerWhichCommand } from './cli/which';
import { UsageError, describeError } from './core/errors';

/** The `etl` CLI: only wiring; each area registers its commands (extension/cli/*). */
function buildProgram(): Command {
  const program = new Command('etl')
    .description('ETL Spark: set up, run and watch the local Spark ETL stack')
    .exitOverride()
    .showHelpAfterError();
  registerSetupCommand(program);
  registerStackCommands(program);
  registerExtractCommand(program);
  registerTransformCommand(program);
  registerPipelineCommand(program);
  registerPreviewCommand(program);
  registerTriggerCommand(program);
  registerQueryCommand(program);
  registerGoldCommands(program);
  registerLineageCommand(program);
  registerSourceRowCommand(program);
  registerRestoreCommand(program);
  registerCheckCommand(program);
  registerProfileCommands(program);
  registerWhichCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (error.code === 'etl.usage') process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${describeError(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
