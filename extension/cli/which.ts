import { Argument, Command } from 'commander';
import { openProject } from '../core/project';
import { locateRuntimes } from '../core/runtimes';

const RUNTIME_KEYS = {
  python: 'python',
  'spark-home': 'sparkHome',
  minio: 'minio',
  mc: 'mc',
  elasticsearch: 'elasticsearchHome',
  airflow: 'airflow',
} as const;

export function registerWhichCommand(program: Command): void {
  program
    .command('which')
    .description('print the path of an installed runtime (for scripts)')
    .addArgument(new Argument('<runtime>').choices(Object.keys(RUNTIME_KEYS)))
    .action((runtime: keyof typeof RUNTIME_KEYS) => {
      const config = openProject();
      process.stdout.write(`${locateRuntimes(config.paths.root, config.paths.cache)[RUNTIME_KEYS[runtime]]}\n`);
    });
}
