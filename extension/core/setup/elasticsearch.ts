import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PINS, jarFileName } from '../pins';
import { runTool } from '../run';
import { elasticsearchHome } from '../runtimes';
import type { SetupComponent } from './component';
import { mavenCopy } from './maven';

/** Elasticsearch's integ-test-zip distribution from Maven Central (runs on the system Java 17). */
export const elasticsearch: SetupComponent = {
  name: 'elasticsearch',
  describe: `Elasticsearch ${PINS.elasticsearch.version} (${PINS.elasticsearch.artifact})`,
  stamp: () => PINS.elasticsearch.artifact,
  artifacts: (ctx) => [join(elasticsearchHome(ctx.cache), 'bin', 'elasticsearch')],
  async install(ctx) {
    const downloads = join(ctx.cache, 'downloads');
    mkdirSync(downloads, { recursive: true });
    await mavenCopy(ctx.cache, PINS.elasticsearch.artifact, downloads, ctx.reporter);
    const zip = join(downloads, jarFileName(PINS.elasticsearch.artifact));
    const staging = join(ctx.cache, 'elasticsearch.partial');
    rmSync(staging, { recursive: true, force: true });
    await runTool('unzip', ['-q', zip, '-d', staging], { purpose: `unpacking ${zip}`, reporter: ctx.reporter });
    const [unpacked] = readdirSync(staging);
    const home = elasticsearchHome(ctx.cache);
    rmSync(home, { recursive: true, force: true });
    renameSync(join(staging, unpacked), home);
    rmSync(staging, { recursive: true, force: true });
    rmSync(zip, { force: true });
  },
};
