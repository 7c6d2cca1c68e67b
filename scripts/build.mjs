// Bundles the CLI and the extension with esbuild (CommonJS for the VS Code extension host).
// `--tests` also bundles tests/typescript/**/*.test.ts into out/tests, so ESM-only dependencies (execa) load under
// node --test.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LAZY_EXTERNALS, NATIVE_EXTERNALS, copyNativeRuntime } from './nativeRuntime.mjs';

// DuckDB is a native addon: never bundled; dist/ and out/tests resolve it from node_modules (see nativeRuntime.mjs).
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: NATIVE_EXTERNALS,
};

const testEntries = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testEntries(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });

const builds = [
  build({
    ...common,
    entryPoints: ['extension/cli.ts'],
    outfile: 'dist/cli.js',
    external: [...NATIVE_EXTERNALS, ...LAZY_EXTERNALS],
  }),
  build({
    ...common,
    entryPoints: ['extension/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode', ...NATIVE_EXTERNALS, ...LAZY_EXTERNALS],
  }),
];
if (process.argv.includes('--tests')) {
  // A test file deleted or moved must not live on as a stale bundle.
  rmSync('out/tests', { recursive: true, force: true });
  const tests = { entryPoints: testEntries('tests/typescript'), outdir: 'out/tests', outbase: 'tests/typescript' };
  // playwright-core (the webview tests drive Chromium) loads its own files at run time: node_modules, not bundled.
  builds.push(build({ ...common, ...tests, external: ['vscode', 'playwright-core', ...NATIVE_EXTERNALS] }));
}
await Promise.all(builds);
copyNativeRuntime();
