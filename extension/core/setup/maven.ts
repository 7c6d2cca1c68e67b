import { join } from 'node:path';
import { PINS } from '../pins';
import type { Reporter } from '../reporter';
import { runTool } from '../run';

/** Fetches one artifact from Maven Central into `outputDir` with `mvn dependency:copy`. */
export async function mavenCopy(
  cache: string,
  coordinates: string,
  outputDir: string,
  reporter: Reporter,
): Promise<void> {
  await runTool(
    'mvn',
    [
      '-B',
      '--no-transfer-progress',
      `-Dmaven.repo.local=${join(cache, 'm2')}`,
      `${PINS.mavenDependencyPlugin}:copy`,
      `-Dartifact=${coordinates}`,
      `-DoutputDirectory=${outputDir}`,
    ],
    { purpose: `downloading ${coordinates} from Maven Central`, cwd: cache, reporter },
  );
}
