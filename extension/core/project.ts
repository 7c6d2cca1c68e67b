import { loadConfig, type EtlConfig } from './config';
import { findProjectRoot } from './paths';

/** The configuration of the project at or above the working directory. */
export function openProject(cwd: string = process.cwd()): EtlConfig {
  return loadConfig(process.env.ETL_PROJECT_ROOT || findProjectRoot(cwd));
}
