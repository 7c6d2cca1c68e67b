import { loadConfig, type EtlConfig } from './config';
import { assertUsableFolders, findProjectRoot } from './paths';

/**
 * The configuration of the project at or above the working directory, its folders proven writable.
 * `env` is the process environment unless a caller adds to it (the extension: secrets from SecretStorage).
 */
export function openProject(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): EtlConfig {
  const config = loadConfig(env.ETL_PROJECT_ROOT || findProjectRoot(cwd), env);
  assertUsableFolders(config.paths);
  return config;
}
