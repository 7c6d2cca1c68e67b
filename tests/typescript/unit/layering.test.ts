import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import { execa } from 'execa';
import { ROOT } from '../helpers/cli';

// `extension/core` and `extension/cli` never import `vscode`: tsconfig.core.json (run by `npm run typecheck`)
// makes such an import a compile error. Proven here on probe files, beside a control that the probe itself is sound.
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const PROBES = [
  `import * as vscode from 'vscode';\nexport const version: string = vscode.version;\n`,
  `import type { Uri } from 'vscode';\nexport type Where = Uri;\n`,
  `import 'vscode';\nexport {};\n`,
];

// Inside the checkout, so `vscode` resolves to node_modules/@types/vscode as it would for a real core file.
mkdirSync(join(ROOT, 'out'), { recursive: true });
const scratch = mkdtempSync(join(ROOT, 'out', 'layering-'));

/** Type-checks `source` as the only file of a project that extends `config`; exit code and output. */
async function check(config: string, source: string, name: string) {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'probe.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: relative(dir, join(ROOT, config)), include: [], files: ['probe.ts'] }),
  );
  const result = await execa(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { reject: false, all: true });
  return { exitCode: result.exitCode, output: result.all ?? '' };
}

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('layering: no vscode import outside extension/vscode', { timeout: 120_000 }, () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));

  PROBES.forEach((source, i) => {
    test(`a vscode import fails tsconfig.core.json: ${source.split('\n')[0]}`, async () => {
      const { exitCode, output } = await check('tsconfig.core.json', source, `core-${i}`);
      assert.notEqual(exitCode, 0, output);
      assert.match(output, /extension\/core and extension\/cli must not import vscode/);
    });
  });

  test('control: the same import compiles in the extension layer (tsconfig.json)', async () => {
    const { exitCode, output } = await check('tsconfig.json', PROBES[0], 'vscode-layer');
    assert.equal(exitCode, 0, output);
  });

  test('ESLint reports it too (no-restricted-imports), in the editor and in `npm run lint`', async () => {
    const eslint = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const lint = (file: string) =>
      execa(process.execPath, [eslint, '--stdin', '--stdin-filename', file], {
        cwd: ROOT,
        input: PROBES[0],
        reject: false,
      });
    const core = await lint('extension/core/probe.ts');
    assert.equal(core.exitCode, 1, core.stdout + core.stderr);
    assert.match(core.stdout, /'vscode' import is restricted.*no-restricted-imports/);
    assert.equal((await lint('extension/cli/probe.ts')).exitCode, 1);
    const vscodeLayer = await lint('extension/vscode/probe.ts');
    assert.equal(vscodeLayer.exitCode, 0, vscodeLayer.stdout + vscodeLayer.stderr);
  });

  test('tsconfig.core.json checks every file of extension/core, extension/cli and cli.ts', async () => {
    const listed = await execa(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.core.json'), '--listFilesOnly'], {
      cwd: ROOT,
    });
    const inProgram = new Set(listed.stdout.split('\n').map((line) => line.trim()));
    const layers = [
      ...tsFiles(join(ROOT, 'extension', 'core')),
      ...tsFiles(join(ROOT, 'extension', 'cli')),
      join(ROOT, 'extension', 'cli.ts'),
    ];
    assert.ok(layers.length > 50, `only ${layers.length} files found`);
    const missing = layers.filter((file) => !inProgram.has(file));
    assert.deepEqual(missing, []);
    assert.ok(
      ![...inProgram].some((file) => file.includes('/extension/vscode/')),
      'the CLI layers reach extension/vscode',
    );
  });
});
