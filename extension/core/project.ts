import { loadConfig, type EtlConfig } from './config';
import { assertUsableFolders, findProjectRoot } from './paths';

/** The configuration of the project at or above the working directory, its folders proven writable. */
export function openProject(cwd: string = process.cwd()): EtlConfig {
  const config = loadConfig(process.env.ETL_PROJECT_ROOT || findProjectRoot(cwd));
  assertUsableFolders(config.paths);
  return config;
}
