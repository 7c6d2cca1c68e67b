import { Argument, Command, Option } from 'commander';
import { OPTIONAL_SERVICES } from '../core/config';
import { formatStatusTable } from '../core/format';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { SERVICE_NAMES, type ServiceName } from '../core/stack/services';
import { down, startOne, status, stopOne, up } from '../core/stack/stack';
import { commaList, usageError } from './args';

export function registerStackCommands(program: Command): void {
  program
    .command('up')
    .description('start the native stack (MinIO, Spark master + 2 workers[, Elasticsearch, Airflow]) and wait until healthy')
    .addOption(new Option('--with <services>', `optional services: ${OPTIONAL_SERVICES.join(', ')}`).argParser(commaList))
    .action(async (options: { with?: string[] }) => {
      const config = openProject();
      const unknown = (options.with ?? []).filter((s) => !(OPTIONAL_SERVICES as readonly string[]).includes(s));
      if (unknown.length) throw usageError(`unknown service for --with: ${unknown.join(', ')} (known: ${OPTIONAL_SERVICES.join(', ')})`);
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
    .command('start')
    .description('start one service of the native stack')
    .addArgument(new Argument('<service>').choices(SERVICE_NAMES))
    .action(async (name: ServiceName) => {
      const services = await startOne(openProject(), name, consoleReporter());
      process.stdout.write(`${formatStatusTable(services)}\n`);
    });

  program
    .command('stop')
    .description('stop one service of the native stack')
    .addArgument(new Argument('<service>').choices(SERVICE_NAMES))
    .action(async (name: ServiceName) => {
      const stopped = await stopOne(openProject(), name, consoleReporter());
      process.stderr.write(stopped ? `stopped: ${name}\n` : `${name} was not running\n`);
    });

  program
    .command('down')
    .description('stop everything `etl up` started')
    .action(async () => {
      const stopped = await down(openProject(), consoleReporter());
      process.stderr.write(stopped.length ? `stopped: ${stopped.join(', ')}\n` : 'nothing was running\n');
    });
}
