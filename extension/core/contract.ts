/**
 * config/contract.json: what the TypeScript side, the Python ETL (src/etl/contract.py reads the
 * same file at run time) and the Docker build (docker/spark-jars.txt) must agree on. esbuild
 * bundles the file into dist/, so the CLI and the extension carry the copy they were built with;
 * tests/typescript/unit/contract.test.ts fails when any consumer drifts from it.
 */
import contract from '../../config/contract.json';

export const CONTRACT = contract;

/** The oldest Python the ETL runs on, as `major.minor`. */
export const PYTHON_FLOOR = contract.python.floor;

/** Maven coordinates of the s3a and Delta Lake jars. */
export const SPARK_JARS: readonly string[] = contract.sparkJars.coordinates;

/** One month, YYYY-MM (the DAG's `month` parameter accepts the same). */
export const MONTH = new RegExp(contract.month.pattern);

/** `2024-01`, `2024-01..2024-03`, or a comma list of both (what `etl extract --months` takes). */
export function isMonthSpec(spec: string): boolean {
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.length === 0 || parts.some((part) => !part)) return false;
  return parts.every((part) => {
    const ends = part.split('..');
    return ends.length <= 2 && ends.every((month) => MONTH.test(month.trim()));
  });
}

export const ENV_CONTRACT = contract.env;

/** Default folders and file names (paths.ts and src/etl resolve them against the project root). */
export const DEFAULT_PATHS = contract.paths;

export const MINIO_POLICY_FILE = contract.minioPolicy.file;
