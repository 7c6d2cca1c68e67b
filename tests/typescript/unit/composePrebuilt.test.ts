import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PINS } from '../../../extension/core/pins';
import { prebuiltPins, stagePrebuiltGoTools } from '../../../extension/core/stack/compose/prebuilt';
import { ROOT } from '../helpers/cli';

/** A project and a cache where `etl setup` built minio and mc for `pins` (stamps as setup writes them). */
function built(pins: { minio: string; mc: string } = { minio: PINS.minio.version, mc: PINS.mc.version }) {
  const root = mkdtempSync(join(tmpdir(), 'etl-prebuilt-'));
  const cache = join(root, 'cache');
  mkdirSync(join(cache, 'bin'), { recursive: true });
  mkdirSync(join(cache, 'stamps'));
  for (const tool of ['minio', 'mc'] as const) {
    writeFileSync(join(cache, 'bin', tool), `${tool} binary`);
    writeFileSync(join(cache, 'stamps', `${tool}.stamp`), `${PINS[tool].module}@${pins[tool]}`);
  }
  return { root, cache, folder: join(root, 'docker', 'prebuilt') };
}

test('the binaries setup built for the pins are staged with a pins line the Dockerfile compares', () => {
  const { root, cache, folder } = built();
  assert.equal(stagePrebuiltGoTools(root, cache, 'x64'), true);
  assert.equal(readFileSync(join(folder, 'minio'), 'utf8'), 'minio binary');
  assert.equal(readFileSync(join(folder, 'pins'), 'utf8'), prebuiltPins('amd64'));
  // The Dockerfile's own comparison names the same pins, in the same order.
  const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
  assert.match(dockerfile, /"\$\{MINIO_MODULE\}@\$\{MINIO_VERSION\} \$\{MC_MODULE\}@\$\{MC_VERSION\} linux\/\$\{arch\}"/);
  assert.ok(dockerfile.includes(`ARG MINIO_VERSION=${PINS.minio.version}`) &&
    dockerfile.includes(`ARG MC_VERSION=${PINS.mc.version}`));
  // A second up changes no file (the build's context and layer cache stay as they were).
  const before = statSync(join(folder, 'minio')).mtimeMs;
  assert.equal(stagePrebuiltGoTools(root, cache, 'x64'), true);
  assert.equal(statSync(join(folder, 'minio')).mtimeMs, before);
});

test('other pins, no build or another architecture: the folder is emptied and the image builds them', () => {
  const { root, cache, folder } = built();
  stagePrebuiltGoTools(root, cache, 'x64');
  const repinned = built({ minio: 'v0.0.0-older', mc: PINS.mc.version });
  mkdirSync(join(repinned.root, 'docker'));
  assert.equal(stagePrebuiltGoTools(repinned.root, repinned.cache, 'x64'), false);
  assert.equal(stagePrebuiltGoTools(root, cache, 'ia32'), false);
  assert.ok(!existsSync(join(folder, 'minio')) && !existsSync(join(folder, 'mc')) && !existsSync(join(folder, 'pins')));
  assert.equal(stagePrebuiltGoTools(root, join(root, 'no-cache'), 'x64'), false);
});
