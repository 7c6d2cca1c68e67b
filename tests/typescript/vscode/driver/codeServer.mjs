// Starts code-server 4.100.3 (a real VS Code 1.100.3, installed by `etl setup --only vscode-tools`)
// and headless Chromium through playwright-core, per docs/extension.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CODE_SERVER_VERSION = '4.100.3';
const cacheDir = () =>
  process.env.ETL_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'etl-spark');
export const codeServerEntry = () =>
  join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'package', 'out', 'node', 'entry.js');
// --disable-popup-blocking: the extension's Open UI commands open pages without a click in the page.
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-popup-blocking',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function requireCodeServer() {
  const entry = codeServerEntry();
  if (!existsSync(entry))
    throw new Error(`code-server is not installed (${entry}); run: node dist/cli.js setup --only vscode-tools`);
  return entry;
}

/** A user-data dir where the window opens trusted, without the welcome page. */
export function prepareUserData(dir, settings = {}) {
  mkdirSync(join(dir, 'User'), { recursive: true });
  writeFileSync(
    join(dir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        ...settings,
      },
      null,
      2,
    ),
  );
}

function run(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${file} ${args.join(' ')} exited ${code}:\n${out}`)),
    );
  });
}

/** `--install-extension x.vsix`: an offline install of the packaged extension. */
export async function installVsix(vsix, { userData, extensions }) {
  return run(
    process.execPath,
    [
      requireCodeServer(),
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--install-extension',
      vsix,
      '--force',
    ],
    process.env,
  );
}

/** Starts code-server on 127.0.0.1 with the caller's environment (so the extension sees the same stack ports). */
export async function startCodeServer({ workspace, userData, extensions, env = {}, log }) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      requireCodeServer(),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      workspace,
    ],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout.on('data', (d) => log?.(String(d)));
  child.stderr.on('data', (d) => log?.(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error('code-server did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 300));
  }
  return {
    url,
    port,
    stop: async () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}

/** The URL that opens `folder` with a development extension and, optionally, its test suite. */
export function devHostUrl(server, folder, extensionDir, testsPath) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDir)]];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
