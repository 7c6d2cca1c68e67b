// `npm run package` as a release would run it: the build once, then one VSIX per platform. Each VSIX must declare its
// target and carry that target's DuckDB binding and no other; vsce must print no warning; this machine's VSIX must
// run DuckDB from its own files (its @duckdb/node-api is bundled only in the package).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execa } from 'execa';
import { ROOT } from '../helpers/cli';

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const vsixOf = (target: string) => join(ROOT, 'dist', 'vsix', `etl-spark-${target}.vsix`);
const BINDING = /^extension\/dist\/node_modules\/@duckdb\/node-bindings-([^/]+)\//;

const started = Date.now();
// Started once; every test awaits it (stdin closed: a question from vsce fails the run instead of hanging it).
const packaging = execa('npm', ['run', '-s', 'package'], { cwd: ROOT, all: true, stdin: 'ignore', reject: false });
const unzipped: string[] = [];
after(() => unzipped.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

test('npm run package succeeds and vsce prints no warning', async () => {
  const { exitCode, all } = await packaging;
  assert.equal(exitCode, 0, all);
  const warnings = all.split('\n').filter((line) => /warn/i.test(line));
  assert.deepEqual(warnings, []);
});

for (const target of TARGETS) {
  test(`${target}: declares its target and carries its own DuckDB binding only`, async () => {
    await packaging;
    const vsix = vsixOf(target);
    assert.ok(statSync(vsix).mtimeMs >= started - 1000, `${vsix} was not written by this run`);
    const manifest = (await execa('unzip', ['-p', vsix, 'extension.vsixmanifest'])).stdout;
    assert.match(manifest, new RegExp(`<Identity [^>]*TargetPlatform="${target}"`));
    const files = (await execa('unzip', ['-Z1', vsix])).stdout.split('\n');
    for (const file of ['extension/dist/extension.js', 'extension/dist/node_modules/@duckdb/node-api/lib/index.js'])
      assert.ok(files.includes(file), `${file} missing`);
    assert.ok(files.includes(`extension/dist/node_modules/@duckdb/node-bindings-${target}/duckdb.node`));
    const bindings = new Set(files.flatMap((file) => BINDING.exec(file)?.[1] ?? []));
    assert.deepEqual([...bindings], [target]);
  });
}

test("this machine's VSIX runs a DuckDB query from its own files", async () => {
  await packaging;
  const dir = mkdtempSync(join(tmpdir(), 'etl-vsix-'));
  unzipped.push(dir);
  await execa('unzip', ['-q', vsixOf(`${process.platform}-${process.arch}`), '-d', dir]);
  const query =
    "require('@duckdb/node-api').DuckDBInstance.create(':memory:').then((db) => db.connect())" +
    ".then((c) => c.runAndReadAll('select 6 * 7 as answer')).then((r) => console.log(r.getRows()[0][0]))";
  // From extension/dist, as extension.js resolves it; NODE_PATH cleared so the checkout's node_modules cannot answer.
  const { stdout } = await execa('node', ['-e', query], {
    cwd: join(dir, 'extension', 'dist'),
    env: { ...process.env, NODE_PATH: '' },
  });
  assert.equal(stdout.trim(), '42');
});
