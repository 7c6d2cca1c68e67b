import { Command, Option } from 'commander';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { SETUP_COMPONENTS, runSetup, selectComponents } from '../core/setup';
import { commaList } from './args';

export function registerSetupCommand(program: Command): void {
  program
    .command('setup')
    .description('install every pinned runtime into the cache (idempotent)')
    .addOption(
      new Option(
        '--only <components>',
        `comma-separated subset of: ${SETUP_COMPONENTS.map((c) => c.name).join(', ')}`,
      ).argParser(commaList),
    )
    .action(async (options: { only?: string[] }) => {
      selectComponents(options.only); // a usage error before anything is printed
      const config = openProject();
      const reporter = consoleReporter();
      reporter.step(`cache: ${config.paths.cache}`);
      const started = Date.now();
      await runSetup(config.paths.root, config.paths.cache, reporter, options.only);
      reporter.step(`setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
