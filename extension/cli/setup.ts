import { Command, Option } from 'commander';
import { openProject } from '../core/project';
import { consoleReporter } from '../core/reporter';
import { SETUP_COMPONENTS, runSetup, selectComponents } from '../core/setup';
import { assertNativeStackRuns, hostPlatform } from '../core/stack/platformSupport';
import { commaList, usageError } from './args';

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
    .option('--tests', 'also the tools only the tests use (code-server and Chromium for the VS Code tests)')
    .action(async (options: { only?: string[]; tests?: boolean }) => {
      if (options.only && options.tests) throw usageError('give either --only or --tests, not both');
      selectComponents(options.only); // a usage error before anything is printed
      // Every component is a Linux build (or serves one): elsewhere, say what works instead of downloading them.
      assertNativeStackRuns(hostPlatform());
      const config = openProject();
      const reporter = consoleReporter();
      reporter.step(`cache: ${config.paths.cache}`);
      const started = Date.now();
      await runSetup(config.paths.root, config.paths.cache, reporter, options.only, options.tests);
      reporter.step(`setup complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}
