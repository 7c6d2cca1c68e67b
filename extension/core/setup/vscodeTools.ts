import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EtlError } from '../errors';
import { runTool } from '../run';
import type { SetupComponent, SetupContext } from './component';

/**
 * A real VS Code for the extension tests without VS Code's download site:
 * code-server from npm carries VS Code 1.100.3 and its Node extension host.
 * 4.100.3 is the last release whose engines accept Node 20.
 * Recipe and why each step: docs/extension.md, "How the real VS Code is run without its download site".
 */
export const CODE_SERVER_VERSION = '4.100.3';
/** Debian packages: gssapi headers for kerberos, rg instead of @vscode/ripgrep's GitHub download, the browser. */
export const VSCODE_APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];
const NATIVE_MODULES = [
  'kerberos',
  'native-watchdog',
  'node-pty',
  '@parcel/watcher',
  '@vscode/spdlog',
  '@vscode/deviceid',
];

export const codeServerHome = (cache: string) => join(cache, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerEntry = (cache: string) => join(codeServerHome(cache), 'package', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

function missingAptPackages(): string[] {
  const present = {
    'libkrb5-dev': existsSync('/usr/include/gssapi/gssapi.h'),
    ripgrep: existsSync('/usr/bin/rg'),
    chromium: existsSync(CHROMIUM),
  };
  return VSCODE_APT_PACKAGES.filter((name) => !present[name as keyof typeof present]);
}

async function ensureAptPackages(ctx: SetupContext): Promise<void> {
  const missing = missingAptPackages();
  if (!missing.length) return;
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0)
    throw new EtlError(`missing Debian packages: ${missing.join(', ')}`, `run as root: ${command}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // A new machine has no package lists yet: without them apt cannot find the packages.
  await runTool('apt-get', ['update'], { purpose: 'reading the Debian package lists', reporter: ctx.reporter, env });
  await runTool('apt-get', ['install', '-y', ...missing], {
    purpose: `installing ${missing.join(', ')}`,
    reporter: ctx.reporter,
    env,
  });
}

const npm = (ctx: SetupContext, cwd: string, args: string[], purpose: string) =>
  runTool('npm', args, { cwd, purpose, reporter: ctx.reporter, env: { ...process.env, npm_config_yes: 'true' } });

/**
 * Builds in a private staging folder, then renames: a concurrent `etl setup` never sees (or deletes) a half install.
 */
async function installCodeServer(ctx: SetupContext): Promise<void> {
  const final = codeServerHome(ctx.cache);
  const home = `${final}.partial-${process.pid}`;
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  // A plain `npm install code-server` runs a postinstall that needs root, gssapi and GitHub: unpack and build by hand.
  await npm(ctx, home, ['pack', `code-server@${CODE_SERVER_VERSION}`], 'downloading code-server');
  const tarball = readdirSync(home).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new EtlError('npm pack produced no code-server tarball', `look in ${home}`);
  await runTool('tar', ['xzf', tarball], { cwd: home, purpose: 'unpacking code-server' });
  const pkg = join(home, 'package');
  await npm(ctx, pkg, ['install', '--omit=dev', '--ignore-scripts'], 'installing code-server dependencies');
  await npm(ctx, pkg, ['rebuild', 'argon2'], 'building argon2');
  const vscodeDir = join(pkg, 'lib', 'vscode');
  await npm(ctx, vscodeDir, ['install', '--omit=dev', '--ignore-scripts'], 'installing VS Code dependencies');
  await npm(ctx, vscodeDir, ['rebuild', ...NATIVE_MODULES], 'building VS Code native modules');
  const rgDir = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  rmSync(join(rgDir, 'rg'), { force: true });
  symlinkSync('/usr/bin/rg', join(rgDir, 'rg'));
  rmSync(join(vscodeDir, 'node_modules.asar'), { force: true });
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  await npm(
    ctx,
    join(vscodeDir, 'extensions'),
    ['install', '--omit=dev', '--ignore-scripts'],
    'installing built-in extensions',
  );
  rmSync(join(home, tarball), { force: true });
  rmSync(final, { recursive: true, force: true });
  renameSync(home, final);
}

export const vscodeTools: SetupComponent = {
  name: 'vscode-tools',
  testOnly: true,
  describe: `code-server ${CODE_SERVER_VERSION} (a real VS Code for the extension tests) + Debian ` +
    `${VSCODE_APT_PACKAGES.join(', ')}`,
  stamp: () => `code-server@${CODE_SERVER_VERSION};apt:${VSCODE_APT_PACKAGES.join(',')}`,
  artifacts: (ctx) => [codeServerEntry(ctx.cache), CHROMIUM, '/usr/bin/rg'],
  async install(ctx) {
    await ensureAptPackages(ctx);
    await installCodeServer(ctx);
  },
};
