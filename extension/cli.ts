#!/usr/bin/env node
import { Argument, Command, CommanderError, Option } from 'commander';
import { OPTIONAL_SERVICES } from './core/config';
import { describeError } from './core/errors';
import { formatStatusTable } from './core/format';
import { openProject } from './core/project';
import { consoleReporter } from './core/reporter';
import { locateRuntimes } from './core/runtimes';
import { SETUP_COMPONENTS, runSetup } from './core/setup';
import { down, status, up } from './core/stack/stack';

const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

function buildProgram(): Command {
  const program = new Command('etl')
    .description('ETL Spark: set up, run and watch the local Spark ETL stack')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('setup')
    .description('install every pinned runtime into the cache (idempotent)')
    .addOption(new Option('--only <components>', `comma-separated subset of: ${SETUP_COMPONENTS.map((c) => c.name).join(', ')}`).argParser(list))
    .action(async (options: { only?: string[] }) => {
      const config = openProject();
      const reporter = consoleReporter();
      reporter.step(`cache: ${config.paths.cache}`);
      const started = Date.now();
      await runSetup(config.paths.root, config.paths.cache, reporter, options.only);
      reporter.step(`setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });

  program
    .command('up')
    .description('start the native stack (MinIO, Spark master + 2 workers[, Elasticsearch]) and wait until healthy')
    .addOption(new Option('--with <services>', `optional services: ${OPTIONAL_SERVICES.join(', ')}`).argParser(list))
    .action(async (options: { with?: string[] }) => {
      const config = openProject();
      const unknown = (options.with ?? []).filter((s) => !(OPTIONAL_SERVICES as readonly string[]).includes(s));
      if (unknown.length) throw new CommanderError(2, 'etl.usage', `unknown service for --with: ${unknown.join(', ')} (known: ${OPTIONAL_SERVICES.join(', ')})`);
      const started = Date.now();
      const services = await up(config, consoleReporter(), [...config.stackWith, ...(options.with ?? [])]);
      process.stdout.write(`${formatStatusTable(services)}\n`);
      process.stderr.write(`stack healthy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });

  program
    .command('status')
    .description('show each service of the native stack')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const services = await status(openProject());
      process.stdout.write(options.json ? `${JSON.stringify({ services }, null, 2)}\n` : `${formatStatusTable(services)}\n`);
    });

  program
    .command('down')
    .description('stop everything `etl up` started')
    .action(async () => {
      const stopped = await down(openProject(), consoleReporter());
      process.stderr.write(stopped.length ? `stopped: ${stopped.join(', ')}\n` : 'nothing was running\n');
    });

  program
    .command('which')
    .description('print the path of an installed runtime (for scripts)')
    .addArgument(new Argument('<runtime>').choices(Object.keys(RUNTIME_KEYS)))
    .action((runtime: keyof typeof RUNTIME_KEYS) => {
      const config = openProject();
      process.stdout.write(`${locateRuntimes(config.paths.root, config.paths.cache)[RUNTIME_KEYS[runtime]]}\n`);
    });

  return program;
}

const RUNTIME_KEYS = { python: 'python', 'spark-home': 'sparkHome', minio: 'minio', mc: 'mc', elasticsearch: 'elasticsearchHome' } as const;

async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return 0;
      if (error.code === 'etl.usage') process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${describeError(error)}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
