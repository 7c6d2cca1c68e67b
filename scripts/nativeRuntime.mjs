// DuckDB (@duckdb/node-api) loads a prebuilt native addon (@duckdb/node-bindings-<platform>-<arch>/duckdb.node),
// which esbuild cannot bundle. The bundles keep `require('@duckdb/node-api')`; from dist/ in the checkout it
// resolves to ./node_modules. The VSIX carries no node_modules/, so the build copies the three packages this
// machine's platform needs into dist/node_modules/@duckdb/ (Node's resolution finds them next to
// dist/extension.js first), and .vscodeignore keeps them in the package.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const NATIVE_EXTERNALS = ['@duckdb/node-api', '@duckdb/node-bindings'];

const root = resolve(import.meta.dirname, '..');
const version = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

function platformPackage() {
  // glibc Linux here; the musl builds are picked by node-bindings itself at run time.
  const musl = process.platform === 'linux' && !process.report?.getReport?.().header?.glibcVersionRuntime;
  return `node-bindings-${process.platform}-${process.arch}${musl ? '-musl' : ''}`;
}

// elkjs (the lineage graph's layout, 1.6 MB of compiled Java) is kept out of the bundles too, so the extension's
// activation does not parse it: Show Lineage loads it on first use, from dist/node_modules/elkjs.
export const LAZY_EXTERNALS = ['elkjs'];

export function copyNativeRuntime() {
  const elk = join(root, 'dist', 'node_modules', 'elkjs');
  if (!existsSync(elk) || version(elk) !== version(join(root, 'node_modules', 'elkjs'))) {
    rmSync(elk, { recursive: true, force: true });
    for (const file of ['package.json', 'LICENSE.md', 'lib/elk.bundled.js'])
      if (existsSync(join(root, 'node_modules', 'elkjs', file)))
        cpSync(join(root, 'node_modules', 'elkjs', file), join(elk, file), { recursive: true });
  }
  for (const name of ['node-api', 'node-bindings', platformPackage()]) {
    const from = join(root, 'node_modules', '@duckdb', name);
    const to = join(root, 'dist', 'node_modules', '@duckdb', name);
    if (!existsSync(from))
      throw new Error(`${from} is missing: run npm ci (its platform package comes with @duckdb/node-bindings)`);
    if (existsSync(to) && version(to) === version(from)) continue;
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
  }
}
