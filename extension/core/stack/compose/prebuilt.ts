import { constants, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentReporter } from '../../reporter';
import { PINS } from '../../pins';
import { goBinary } from '../../runtimes';
import { isInstalled } from '../../setup/component';
import { minioClient, minioServer } from '../../setup/goTools';

/** Docker's name for the architecture Node runs on; undefined where no image is built for it. */
const DOCKER_ARCH: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64' };

/** What docker/Dockerfile's minio-build stage compares with its own pins before it copies the staged binaries. */
export function prebuiltPins(arch: string): string {
  return `${PINS.minio.module}@${PINS.minio.version} ${PINS.mc.module}@${PINS.mc.version} linux/${arch}\n`;
}

/**
 * The MinIO and mc binaries `etl setup` built natively (static Go builds of the same pins), staged in
 * docker/prebuilt, part of the build context: the minio image copies them instead of compiling them again, two
 * minutes of CPU on a machine that ran the native stack first. Anything else (not built, other pins, another
 * architecture) leaves the folder empty, and the image builds them from the Go module proxy as before.
 */
export function stagePrebuiltGoTools(root: string, cache: string, arch = process.arch): boolean {
  const folder = join(root, 'docker', 'prebuilt');
  const dockerArch = DOCKER_ARCH[arch];
  const ctx = { root, cache, reporter: silentReporter };
  const usable = dockerArch !== undefined && [minioServer, minioClient].every((tool) => isInstalled(ctx, tool));
  const pinsFile = join(folder, 'pins');
  const tools = ['minio', 'mc'] as const;
  if (!usable) {
    for (const name of [...tools, 'pins']) rmSync(join(folder, name), { force: true });
    return false;
  }
  const pins = prebuiltPins(dockerArch);
  const staged = existsSync(pinsFile) && readFileSync(pinsFile, 'utf8') === pins &&
    tools.every((tool) => existsSync(join(folder, tool)) &&
      statSync(join(folder, tool)).size === statSync(goBinary(cache, tool)).size);
  if (staged) return true; // unchanged files: the build's context and cache stay as they were
  mkdirSync(folder, { recursive: true });
  rmSync(pinsFile, { force: true }); // the pins last: a copy cut short is never taken for a staged binary
  for (const tool of tools) copyFileSync(goBinary(cache, tool), join(folder, tool), constants.COPYFILE_FICLONE);
  writeFileSync(pinsFile, pins);
  return true;
}
