import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PINS, jarFileName } from '../pins';
import { testJarsDir } from '../runtimes';
import type { SetupComponent } from './component';
import { mavenCopy } from './maven';

/**
 * OpenLineage's Spark listener (one shaded jar), for the test that compares its column lineage with the
 * transform's declared one (tests/python/unit/test_lineage_spark_listener.py). Tests only.
 */
export const openLineageSpark: SetupComponent = {
  name: 'openlineage-spark',
  describe: `OpenLineage Spark listener ${PINS.openLineageSpark} (tests only)`,
  stamp: () => PINS.openLineageSpark,
  artifacts: (ctx) => [join(testJarsDir(ctx.cache), jarFileName(PINS.openLineageSpark))],
  testOnly: true,
  async install(ctx) {
    const target = testJarsDir(ctx.cache);
    const staging = `${target}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await mavenCopy(ctx.cache, PINS.openLineageSpark, staging, ctx.reporter);
    mkdirSync(target, { recursive: true });
    const name = jarFileName(PINS.openLineageSpark);
    renameSync(join(staging, name), join(target, name)); // published whole, never half a jar
    rmSync(staging, { recursive: true, force: true });
  },
};
