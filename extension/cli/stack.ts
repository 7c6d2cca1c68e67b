import { Command, Option } from 'commander';
import { OPTIONAL_SERVICES, type EtlConfig } from '../core/config';
import { formatStatusTable } from '../core/format';
import { checkExternalServices, formatExternal } from '../core/profiles/health';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { STACK_MODE_SETTINGS, type Stack, type StackModeSetting } from '../core/stack/backend';
import { openStack } from '../core/stack/index';
import { commaList, usageError } from './args';

/** `--mode auto|native|compose`; without it ETL_STACK_MODE from .env decides. */
export const modeOption = () =>
  new Option(
    '--mode <mode>',
    'which stack: native processes, docker compose, or auto (the running one, else compose when Docker answers); ' +
      'default ETL_STACK_MODE',
  ).choices(STACK_MODE_SETTINGS as string[]);

export async function stackFor(options: { mode?: string }): Promise<{ config: EtlConfig; stack: Stack }> {
  const config = openProject();
  const stack = await openStack(config, (options.mode as StackModeSetting | undefined) ?? config.stackMode);
  return { config, stack };
}

function assertService(stack: Stack, name: string): void {
  if (!stack.serviceNames().includes(name))
    throw usageError(
      `unknown service "${name}" for the ${stack.mode} stack (known: ${stack.serviceNames().join(', ')})`,
    );
}

export function registerStackCommands(program: Command): void {
  program
    .command('up')
    .description('start the stack (MinIO, Spark master + 2 workers[, Elasticsearch, Airflow]) and wait until healthy')
    .addOption(
      new Option('--with <services>', `optional services: ${OPTIONAL_SERVICES.join(', ')}`).argParser(commaList),
    )
    .addOption(modeOption())
    .action(async (options: { with?: string[]; mode?: string }) => {
      const unknown = (options.with ?? []).filter((s) => !(OPTIONAL_SERVICES as readonly string[]).includes(s));
      if (unknown.length)
        throw usageError(`unknown service for --with: ${unknown.join(', ')} (known: ${OPTIONAL_SERVICES.join(', ')})`);
      const { config, stack } = await stackFor(options);
      const withOptional = [...new Set([...config.stackWith, ...(options.with ?? [])])];
      const reporter = consoleReporter();
      if (stack.mode === 'native' && withOptional.includes('elk'))
        reporter.detail('elk (Logstash, Kibana, Filebeat) runs only in the compose stack (--mode compose): left out');
      const started = Date.now();
      const services = await stack.up(reporter, withOptional);
      process.stdout.write(`${formatStatusTable(services)}\n`);
      process.stderr.write(`${stack.mode} stack healthy in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    });

  program
    .command('status')
    .description('show each service of the stack')
    .option('--json', 'machine-readable output')
    .addOption(modeOption())
    .action(async (options: { json?: boolean; mode?: string }) => {
      const { config, stack } = await stackFor(options);
      // What the active profile places elsewhere is checked (reachable, authenticated, buckets, workers), never
      // started or stopped: it is not in `services`.
      const [services, external] = await Promise.all([stack.status(), checkExternalServices(config)]);
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ mode: stack.mode, profile: config.profile.name, services, external }, null, 2)}\n`
          : `${formatStatusTable(services)}\n${external.length ? `${formatExternal(external)}\n` : ''}`,
      );
    });

  program
    .command('start')
    .description('start one service of the stack')
    .argument('<service>', 'a service of the stack (see `etl status`)')
    .addOption(modeOption())
    .action(async (name: string, options: { mode?: string }) => {
      const { stack } = await stackFor(options);
      assertService(stack, name);
      const services = await stack.start(name, consoleReporter());
      process.stdout.write(`${formatStatusTable(services)}\n`);
    });

  program
    .command('stop')
    .description('stop one service of the stack')
    .argument('<service>', 'a service of the stack (see `etl status`)')
    .addOption(modeOption())
    .action(async (name: string, options: { mode?: string }) => {
      const { stack } = await stackFor(options);
      assertService(stack, name);
      const stopped = await stack.stop(name, consoleReporter());
      process.stderr.write(stopped ? `stopped: ${name}\n` : `${name} was not running\n`);
    });

  program
    .command('down')
    .description('stop everything `etl up` started')
    .addOption(modeOption())
    .option('--volumes', 'compose: also remove the named volumes (MinIO data, Elasticsearch, Airflow home)')
    .action(async (options: { mode?: string; volumes?: boolean }) => {
      const { stack } = await stackFor(options);
      const stopped = await stack.down(consoleReporter(), { volumes: options.volumes });
      process.stderr.write(stopped.length ? `stopped: ${stopped.join(', ')}\n` : 'nothing was running\n');
    });
}
