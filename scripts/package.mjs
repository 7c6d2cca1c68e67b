// One VSIX per platform: dist/vsix/etl-spark-<target>.vsix, each carrying DuckDB's native binding for its target only
// (`vsce package --target`, so the Marketplace and `code --install-extension` pick the right one).
// `--target linux-x64[,darwin-arm64]` (repeatable): only those. Run after `npm run build` (`npm run package` does).
// Each target is staged in out/package/<target>/ and packaged there: dist/node_modules is never touched, since
// others run the extension and DuckDB from dist/ meanwhile. The other platforms' bindings come from npm
// (`npm pack` checks their integrity), the same version as the installed @duckdb/node-bindings, cached under
// ~/.cache/etl-spark/duckdb-bindings/ and reused.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { execa } from 'execa';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

const root = resolve(import.meta.dirname, '..');
const vsixDir = join(root, 'dist', 'vsix');
// Per run: two runs at once (the VS Code tests and test:package) never stage into each other's folders.
const stagingRoot = join(root, 'out', 'package', String(process.pid));
const cacheRoot = join(
  process.env.ETL_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'etl-spark'),
  'duckdb-bindings',
);
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const bindingsVersion = readJson(join(root, 'node_modules', '@duckdb', 'node-bindings', 'package.json')).version;

/** What the VSIX carries besides the bindings (the same as .vscodeignore lets through from the checkout). */
const PACKAGE_FILES = [
  'package.json', 'README.md', 'LICENSE', '.vscodeignore', 'media', 'config/checks.schema.json', 'dist/extension.js',
  // Platform-independent JavaScript, copied there by the build (scripts/nativeRuntime.mjs).
  'dist/node_modules/elkjs', 'dist/node_modules/@duckdb/node-bindings',
];

/**
 * @duckdb/node-api as one file: its 180 modules would make VS Code load each one (vsce warns above 100 JavaScript
 * files). Its binding stays external: a native addon cannot be bundled.
 */
async function bundleNodeApi() {
  const from = join(root, 'node_modules', '@duckdb', 'node-api');
  const to = join(stagingRoot, 'node-api');
  rmSync(to, { recursive: true, force: true });
  for (const file of ['package.json', 'LICENSE']) cpSync(join(from, file), join(to, file));
  await build({
    entryPoints: [join(from, 'lib', 'index.js')],
    outfile: join(to, 'lib', 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    external: ['@duckdb/node-bindings'],
  });
  return to;
}

const vsixPath = (target) => join(vsixDir, `etl-spark-${target}.vsix`);

/** `--target a,b --target c` → [a, b, c]; none → every target. */
function requestedTargets(argv) {
  const named = argv.flatMap((arg, i) => (argv[i - 1] === '--target' ? arg.split(',') : []));
  const unknown = named.filter((t) => !TARGETS.includes(t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}: use ${TARGETS.join(', ')}`);
  return named.length ? [...new Set(named)] : TARGETS;
}

/** The binding package's folder: this machine's from node_modules, the others from npm via the cache. */
async function bindingFolder(target) {
  const name = `node-bindings-${target}`;
  const installed = join(root, 'node_modules', '@duckdb', name);
  const manifest = join(installed, 'package.json');
  if (existsSync(manifest) && readJson(manifest).version === bindingsVersion) return installed;
  const folder = join(cacheRoot, `${name}-${bindingsVersion}`);
  if (existsSync(join(folder, 'duckdb.node'))) return folder;
  mkdirSync(cacheRoot, { recursive: true });
  const spec = `@duckdb/${name}@${bindingsVersion}`;
  const tarball = join(cacheRoot, `duckdb-${name}-${bindingsVersion}.tgz`);
  if (!existsSync(tarball)) {
    process.stderr.write(`[package] npm pack ${spec}\n`);
    await execa('npm', ['pack', spec, '--pack-destination', cacheRoot, '--silent']);
  }
  // Extracted beside and renamed into place, so a run cut short never leaves a half folder that looks complete.
  const partial = `${folder}.${process.pid}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  await execa('tar', ['-xzf', tarball, '-C', partial, '--strip-components=1']);
  if (!existsSync(join(partial, 'duckdb.node'))) throw new Error(`${tarball} holds no duckdb.node`);
  if (existsSync(folder)) rmSync(partial, { recursive: true, force: true }); // another run was first
  else renameSync(partial, folder);
  return folder;
}

async function packageTarget(target, nodeApi) {
  const staging = join(stagingRoot, target);
  rmSync(staging, { recursive: true, force: true });
  for (const path of PACKAGE_FILES) {
    if (!existsSync(join(root, path))) throw new Error(`${path} is missing: run npm run build first`);
    cpSync(join(root, path), join(staging, path), { recursive: true });
  }
  cpSync(nodeApi, join(staging, 'dist', 'node_modules', '@duckdb', 'node-api'), { recursive: true });
  cpSync(await bindingFolder(target), join(staging, 'dist', 'node_modules', '@duckdb', `node-bindings-${target}`), {
    recursive: true,
  });
  mkdirSync(vsixDir, { recursive: true });
  const vsce = join(root, 'node_modules', '.bin', 'vsce');
  // stdin closed: a question from vsce ("continue? [y/N]") is answered no instead of waiting forever.
  // Written beside and renamed: whoever installs dist/vsix/ meanwhile never reads a half-written VSIX.
  const partial = join(vsixDir, `etl-spark-${target}.${process.pid}.partial.vsix`);
  const result = await execa(vsce, ['package', '--target', target, '--no-dependencies', '-o', partial], {
    cwd: staging,
    stdin: 'ignore',
    all: true,
    reject: false,
  });
  process.stdout.write(`[package] ${target}: vsce package\n${result.all}\n`);
  if (result.exitCode !== 0) throw new Error(`vsce package --target ${target} failed (exit ${result.exitCode})`);
  renameSync(partial, vsixPath(target));
  rmSync(staging, { recursive: true, force: true });
  return statSync(vsixPath(target)).size;
}

const started = Date.now();
const targets = requestedTargets(process.argv.slice(2));
const nodeApi = await bundleNodeApi();
// In parallel: vsce's compression takes one core per target.
const sizes = await Promise.all(targets.map(async (target) => [target, await packageTarget(target, nodeApi)]));
rmSync(stagingRoot, { recursive: true, force: true });
for (const [target, size] of sizes)
  process.stdout.write(`[package] ${vsixPath(target)}  ${(size / 1024 / 1024).toFixed(1)} MB\n`);
process.stdout.write(`[package] ${sizes.length} VSIX in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
