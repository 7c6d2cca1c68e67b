import type * as DuckDb from '@duckdb/node-api';
import { EtlError } from '../errors';
import { hostPlatform, platformName, type HostPlatform } from '../stack/platformSupport';

/** The platforms `npm run package` builds a VSIX for (scripts/package.mjs), each with DuckDB's binding for it. */
export const VSIX_TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

/** DuckDB's native binding did not load: which platform, why, and what to install. */
export function duckDbUnavailable(error: unknown, platform: HostPlatform): EtlError {
  const name = platformName(platform);
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const hint = VSIX_TARGETS.includes(name)
    ? `install the ETL Spark VSIX built for ${name} (etl-spark-${name}.vsix: npm run package -- --target ${name}); `
      + 'in a checkout, run npm ci'
    : `no ETL Spark VSIX carries DuckDB for ${name} (built for ${VSIX_TARGETS.join(', ')}): the Gold tables and `
      + 'Query Gold need one of those; every other view works here';
  return new EtlError(`DuckDB (the Gold tables' engine) cannot load on ${name}: ${reason}`, hint);
}

/**
 * `require`, not `import()`: the bundles are CommonJS, and the VSIX's @duckdb/node-api is one bundled CommonJS file
 * whose named exports an ES import could not see.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireDuckDb = async (): Promise<typeof DuckDb> => require('@duckdb/node-api') as typeof DuckDb;

/**
 * @duckdb/node-api on first use, not when the extension loads: its native binding exists only for the platform a
 * VSIX was built for, and everything but the Gold tables and Query Gold works without it. `load` is the import
 * (a parameter for the tests).
 */
export async function loadDuckDb(
  platform: HostPlatform = hostPlatform(),
  load: () => Promise<typeof DuckDb> = requireDuckDb,
): Promise<typeof DuckDb> {
  try {
    return await load();
  } catch (error) {
    throw duckDbUnavailable(error, platform);
  }
}
