import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PINS } from '../pins';
import { runTool } from '../run';
import { goBinary } from '../runtimes';
import { goToolchain } from './goToolchain';
import type { SetupComponent, SetupContext } from './component';

type GoTool = 'minio' | 'mc';

/**
 * MinIO's community edition ships as source only; its documented install is
 * `go install github.com/minio/minio@<release>`. Module and build caches live
 * in our cache while building (mc reuses what MinIO compiled).
 */
function goInstall(tool: GoTool, describe: string): SetupComponent {
  const pin = PINS[tool];
  return {
    name: tool,
    describe,
    stamp: () => `${pin.module}@${pin.version}`,
    artifacts: (ctx) => [goBinary(ctx.cache, tool)],
    async install(ctx: SetupContext) {
      const staging = join(ctx.cache, 'bin.partial', tool);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await runTool(goToolchain() ?? 'go', ['install', `${pin.module}@${pin.version}`], {
        purpose: `building ${tool} with go install ${pin.module}@${pin.version}`,
        env: {
          ...process.env,
          GOBIN: staging,
          GOMODCACHE: join(ctx.cache, 'go', 'mod'),
          GOCACHE: join(ctx.cache, 'go', 'build'),
          GOFLAGS: '-modcacherw',
          CGO_ENABLED: '0',
        },
        reporter: ctx.reporter,
      });
      mkdirSync(join(ctx.cache, 'bin'), { recursive: true });
      renameSync(join(staging, tool), goBinary(ctx.cache, tool));
      rmSync(staging, { recursive: true, force: true });
    },
  };
}

/**
 * Once both binaries are built, the Go module and build caches (about 2.5 GB)
 * only serve a re-pin: drop them.
 */
export function pruneGoCaches(cache: string): void {
  const tools: GoTool[] = ['minio', 'mc'];
  if (tools.every((tool) => existsSync(goBinary(cache, tool))))
    rmSync(join(cache, 'go'), { recursive: true, force: true });
}

export const minioServer = goInstall('minio', `MinIO server, go install ${PINS.minio.module}@${PINS.minio.version}`);
export const minioClient = goInstall('mc', `MinIO client mc, go install ${PINS.mc.module}@${PINS.mc.version}`);
