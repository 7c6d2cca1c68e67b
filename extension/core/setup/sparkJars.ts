import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PINS, jarFileName } from '../pins';
import { jarsDir, sparkJarPaths } from '../runtimes';
import type { SetupComponent } from './component';
import { mavenCopy } from './maven';

/**
 * hadoop-aws, the AWS SDK bundle and Delta Lake (delta-spark, delta-storage), fetched once so jobs never download at
 * run time.
 */
export const sparkJars: SetupComponent = {
  name: 'spark-jars',
  describe: `s3a and Delta Lake jars: ${PINS.sparkJars.join(', ')}`,
  stamp: () => PINS.sparkJars.join('\n'),
  artifacts: (ctx) => sparkJarPaths(ctx.cache),
  async install(ctx) {
    const target = jarsDir(ctx.cache);
    const staging = `${target}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    for (const coordinates of PINS.sparkJars) {
      ctx.reporter.detail(`fetching ${coordinates}`);
      await mavenCopy(ctx.cache, coordinates, staging, ctx.reporter);
    }
    mkdirSync(target, { recursive: true });
    // Publish only complete downloads: an interrupted setup leaves no half jar in jars/.
    for (const coordinates of PINS.sparkJars) {
      renameSync(join(staging, jarFileName(coordinates)), join(target, jarFileName(coordinates)));
    }
    rmSync(staging, { recursive: true, force: true });
    // The local Maven repository duplicates the 560 MB SDK bundle; the jars/ copy is what we use.
    rmSync(join(ctx.cache, 'm2', 'software'), { recursive: true, force: true });
  },
};
