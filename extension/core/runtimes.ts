import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError } from './errors';
import { PINS, jarFileName } from './pins';

/**
 * Where the runtimes installed by `etl setup` live in the cache. Pure path
 * logic shared by setup (which creates them) and the stack (which uses them).
 */
export const REQUIREMENT_FILES = ['requirements.txt', 'requirements-dev.txt'];

/** The venv is keyed by the requirements' content, so clones with other pins never share one. */
export function venvDir(root: string, cache: string): string {
  const hash = createHash('sha256');
  for (const file of REQUIREMENT_FILES) hash.update(readFileSync(join(root, file)));
  return join(cache, `venv-${hash.digest('hex').slice(0, 12)}`);
}

export const venvPython = (venv: string) => join(venv, 'bin', 'python');
export const jarsDir = (cache: string) => join(cache, 'jars');
export const sparkJarPaths = (cache: string) => PINS.sparkJars.map((c) => join(jarsDir(cache), jarFileName(c)));
/** Jars only the tests load (never on the cluster's classpath). */
export const testJarsDir = (cache: string) => join(cache, 'jars-test');
export const goBinary = (cache: string, name: 'minio' | 'mc') => join(cache, 'bin', name);
export const airflowVenv = (cache: string) => join(cache, `airflow-${PINS.airflow}`);
export const elasticsearchHome = (cache: string) => join(cache, `elasticsearch-${PINS.elasticsearch.version}`);

/** SPARK_HOME is the pyspark package inside the venv (it carries bin/ and jars/). */
export function sparkHome(venv: string): string {
  const lib = join(venv, 'lib');
  const pythonDir = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('python')) : undefined;
  return join(lib, pythonDir ?? 'python3', 'site-packages', 'pyspark');
}

export interface Runtimes {
  python: string;
  sparkHome: string;
  jars: string[];
  minio: string;
  mc: string;
  elasticsearchHome: string;
  airflow: string;
}

export function locateRuntimes(root: string, cache: string): Runtimes {
  const venv = venvDir(root, cache);
  return {
    python: venvPython(venv),
    sparkHome: sparkHome(venv),
    jars: sparkJarPaths(cache),
    minio: goBinary(cache, 'minio'),
    mc: goBinary(cache, 'mc'),
    elasticsearchHome: elasticsearchHome(cache),
    airflow: join(airflowVenv(cache), 'bin', 'airflow'),
  };
}

/** Fails with the way out when a runtime a service needs was never installed. */
export function requireRuntime(path: string, what: string): string {
  if (!existsSync(path)) {
    throw new EtlError(
      `${what} is not installed (looked for ${path})`,
      'run `etl setup` first (or `npm run main`, which does it)',
    );
  }
  return path;
}
