import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { EtlConfig } from '../../config';
import { EtlError } from '../../errors';
import type { Reporter } from '../../reporter';
import { goToolchain } from '../../setup/goToolchain';
import { waitUntil } from '../health';
import { canRunNativeStack, hostPlatform, platformName, type HostPlatform } from '../platformSupport';
import { HOST_CA_BUNDLE, type BuildSettings } from './project';
import { tarDirectoryInto } from './tarPipe';

/**
 * What `etl up --mode compose` needs before `docker compose up`, made here when missing, so
 * the same command works on a machine that reaches no container registry (see
 * docs: ../shared/notes/docker-engine-without-registry.md): a Docker engine, the compose v2
 * CLI plugin, the Debian base image of docker/Dockerfile. Root on Debian: each step runs;
 * otherwise the error lists the exact commands to run.
 */

export const COMPOSE_MODULE = 'github.com/docker/compose/v2';
export const COMPOSE_VERSION = 'v2.29.7';
export const OFFICIAL_DEBIAN_BASE = 'debian:bookworm-slim';
export const LOCAL_DEBIAN_BASE = 'etl-spark/debian-base:bookworm';

const quiet = { reject: false, stdin: 'ignore' } as const;
const isRoot = () => process.getuid?.() === 0;
const isDebian = () => existsSync('/etc/debian_version');

export const engineAddress = () => process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

export async function engineAnswers(timeoutMs = 5_000): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { ...quiet, timeout: timeoutMs });
  return result.exitCode === 0;
}

export function engineDownError(platform: HostPlatform = hostPlatform()): EtlError {
  return new EtlError(
    `the Docker engine does not answer at ${engineAddress()}`,
    canRunNativeStack(platform)
      ? 'start it (or point DOCKER_HOST at one), or use --mode native'
      // Off Linux the native stack is no way out: never suggest it.
      : `start it (Docker Desktop, or DOCKER_HOST pointing at one): on ${platformName(platform)} the stack runs in it`,
  );
}

async function commandExists(name: string): Promise<boolean> {
  return (await execa('sh', ['-c', 'command -v "$1"', 'sh', name], quiet)).exitCode === 0;
}

/** Runs one provisioning command, its output kept for the error when it fails. */
async function run(
  file: string,
  args: string[],
  purpose: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await execa(file, args, {
    ...quiet,
    all: true,
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 900_000,
  });
  if (result.exitCode !== 0) {
    const tail = String(result.all ?? '')
      .trim()
      .split('\n')
      .slice(-12)
      .join('\n');
    throw new EtlError(
      `${purpose} failed (${file} ${args.join(' ')}, exit ${result.exitCode ?? result.signal ?? '?'}):\n${tail}`,
    );
  }
  return String(result.stdout ?? '');
}

function notRootError(what: string, commands: string[]): EtlError {
  return new EtlError(
    `${what}; \`etl up --mode compose\` makes it only as root on Debian. Run, as ` +
      `root:\n${commands.map((c) => `    ${c}`).join('\n')}`,
    'then run `etl up --mode compose` again, or use --mode native',
  );
}

// ── The engine ──────────────────────────────────────────────────────────────────────────────

/** A Docker engine that answers: installed (apt-get) and started (dockerd, no systemd) when missing. */
export async function ensureEngine(stateDir: string, reporter: Reporter): Promise<void> {
  if (await engineAnswers()) return;
  // A remote or custom engine is the user's: we neither install nor start it.
  if (process.env.DOCKER_HOST) throw engineDownError();
  const logFile = join(stateDir, 'docker', 'dockerd.log');
  if (!isRoot() || !isDebian()) {
    throw notRootError(`no Docker engine answers at ${engineAddress()}`, [
      'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io',
      'nohup /usr/sbin/dockerd >/var/log/dockerd.log 2>&1 &   # or: systemctl start docker',
    ]);
  }
  if (!(await commandExists('dockerd'))) {
    reporter.step('Docker: installing the engine from Debian (apt-get update; apt-get install docker.io)');
    await run('apt-get', ['update'], 'apt-get update');
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'docker.io'], 'installing docker.io', {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (existsSync('/run/systemd/system')) {
    reporter.step('Docker: starting the engine (systemctl start docker)');
    await run('systemctl', ['start', 'docker'], 'starting docker with systemd');
  } else {
    reporter.step(`Docker: starting the engine (dockerd, log ${logFile}); there is no systemd to do it`);
    startDockerd(logFile);
  }
  const outcome = await waitUntil(() => engineAnswers(), { timeoutMs: 60_000, intervalMs: 500 });
  if (outcome !== 'ok')
    throw new EtlError(
      `dockerd was started but \`docker info\` does not answer after 60 s; last lines of ${logFile}:\n${tail(logFile)}`,
    );
  reporter.detail('Docker: the engine answers');
}

/** dockerd in its own session, outliving `etl` (it is the machine's engine, not part of the stack). */
function startDockerd(logFile: string): void {
  mkdirSync(join(logFile, '..'), { recursive: true });
  const out = openSync(logFile, 'a');
  try {
    const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
    child.on('error', () => {});
    child.unref();
    if (child.pid) writeFileSync(join(logFile, '..', 'dockerd.pid'), `${child.pid}\n`);
  } finally {
    closeSync(out);
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ── Compose v2 ──────────────────────────────────────────────────────────────────────────────

export async function composeAnswers(): Promise<boolean> {
  return (await execa('docker', ['compose', 'version'], quiet)).exitCode === 0;
}

/** Root: the machine's plugin folder; otherwise the user's own, which docker also reads. */
export function composePluginPath(): string {
  const dir = isRoot()
    ? '/usr/local/lib/docker/cli-plugins'
    : join(process.env.DOCKER_CONFIG || join(homedir(), '.docker'), 'cli-plugins');
  return join(dir, 'docker-compose');
}

/** `docker compose` v2: built from the Go module proxy and installed as a CLI plugin when missing. */
export async function ensureComposePlugin(reporter: Reporter): Promise<void> {
  if (await composeAnswers()) return;
  const go = goToolchain();
  const target = composePluginPath();
  const commands = [
    `src=$(go mod download -json ${COMPOSE_MODULE}@${COMPOSE_VERSION} | sed -n 's/.*"Dir": "\\(.*\\)".*/\\1/p')`,
    'cp -r "$src" /tmp/compose-src && chmod -R u+w /tmp/compose-src && cd /tmp/compose-src',
    `mkdir -p ${join(target, '..')} && CGO_ENABLED=0 go build -o ${target} ./cmd`,
  ];
  if (!go) {
    throw new EtlError(
      `\`docker compose\` (v2) is not installed and there is no Go toolchain to build it`,
      `install your distribution's docker-compose-plugin, or Go 1.21+ and ` +
        `then:\n${commands.map((c) => `    ${c}`).join('\n')}`,
    );
  }
  reporter.step(
    `Docker: building compose ${COMPOSE_VERSION} from the Go module proxy (about 2 minutes), as the CLI plugin ` +
      `${target}`,
  );
  const info = JSON.parse(
    await run(
      go,
      ['mod', 'download', '-json', `${COMPOSE_MODULE}@${COMPOSE_VERSION}`],
      'downloading the compose module',
    ),
  ) as { Dir?: string };
  if (!info.Dir) throw new EtlError(`go mod download gave no folder for ${COMPOSE_MODULE}@${COMPOSE_VERSION}`);
  const work = mkdtempSync(join(tmpdir(), 'etl-compose-src-'));
  try {
    // The module cache is read-only: build from a writable copy.
    await run('cp', ['-r', `${info.Dir}/.`, work], 'copying the compose sources');
    await run('chmod', ['-R', 'u+w', work], 'making the compose sources writable');
    mkdirSync(join(target, '..'), { recursive: true });
    const ldflags = `-X ${COMPOSE_MODULE}/internal.Version=${COMPOSE_VERSION}`;
    await run(go, ['build', '-trimpath', '-ldflags', ldflags, '-o', target, './cmd'], 'building compose', {
      cwd: work,
      env: { ...process.env, CGO_ENABLED: '0' },
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!(await composeAnswers()))
    throw new EtlError(
      `compose was built as ${target}, but \`docker compose version\` still fails`,
      'check that your docker CLI reads plugins from that folder',
    );
  reporter.detail(`Docker: compose ${COMPOSE_VERSION} installed`);
}

// ── The Debian base image ───────────────────────────────────────────────────────────────────

const imageExists = async (name: string) =>
  (await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', name], quiet)).exitCode === 0;

/** The base image without pulling or making anything: the official one, else ours, else none yet. */
export async function presentDebianBase(): Promise<{ base: string; local: boolean } | undefined> {
  if (await imageExists(OFFICIAL_DEBIAN_BASE)) return { base: OFFICIAL_DEBIAN_BASE, local: false };
  if (await imageExists(LOCAL_DEBIAN_BASE)) return { base: LOCAL_DEBIAN_BASE, local: true };
  return undefined;
}

/** The Debian archive apt uses here (sources.list or deb822 .sources), for debootstrap. */
export function debianMirror(): string {
  const files = [
    '/etc/apt/sources.list',
    ...listDir('/etc/apt/sources.list.d').filter((f) => /\.(list|sources)$/.test(f)),
  ];
  for (const file of files) {
    const text = readSafe(file);
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (oneLine) return oneLine[1];
    for (const stanza of text.split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      if (uri && /^Suites:.*\bbookworm\b/m.test(stanza) && !uri.includes('security')) return uri;
    }
  }
  return 'http://deb.debian.org/debian';
}

const listDir = (dir: string) => (existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : []);
function readSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The image docker/Dockerfile starts FROM: `debian:bookworm-slim` when present or pullable,
 * else `etl-spark/debian-base:bookworm`, made with debootstrap (what the official one is made of).
 * Returns the ETL_DEBIAN_BASE to build with (undefined: the Dockerfile's default).
 */
export async function ensureDebianBase(reporter: Reporter): Promise<string | undefined> {
  // The user's choice wins (a mirror of the official image, a registry of their own).
  if (process.env.ETL_DEBIAN_BASE) return process.env.ETL_DEBIAN_BASE;
  const present = await presentDebianBase();
  if (present) return present.local ? present.base : undefined;
  reporter.step(`Docker: pulling the base image ${OFFICIAL_DEBIAN_BASE}`);
  if ((await execa('docker', ['pull', OFFICIAL_DEBIAN_BASE], { ...quiet, timeout: 120_000 })).exitCode === 0)
    return undefined;
  const mirror = debianMirror();
  if (!isRoot() || !isDebian()) {
    throw notRootError(`the base image ${OFFICIAL_DEBIAN_BASE} is not here and cannot be pulled`, [
      'apt-get install -y debootstrap',
      `debootstrap --variant=minbase bookworm /tmp/rootfs ${mirror}`,
      `tar -C /tmp/rootfs -c . | docker import -c 'CMD ["/bin/bash"]' - ${LOCAL_DEBIAN_BASE}`,
      'rm -rf /tmp/rootfs',
    ]);
  }
  reporter.step(
    `Docker: ${OFFICIAL_DEBIAN_BASE} cannot be pulled; making ${LOCAL_DEBIAN_BASE} with debootstrap from ${mirror} ` +
      `(about a minute)`,
  );
  if (!(await commandExists('debootstrap'))) {
    await run('apt-get', ['update'], 'apt-get update');
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'debootstrap'], 'installing debootstrap', {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const rootfs = mkdtempSync(join(tmpdir(), 'etl-debian-rootfs-'));
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror], 'debootstrap');
    const imported = await tarDirectoryInto(rootfs, 'docker', [
      'import',
      '-c',
      'CMD ["/bin/bash"]',
      '-',
      LOCAL_DEBIAN_BASE,
    ]);
    if (!imported.ok)
      throw new EtlError(`docker import of the Debian root file system failed:\n${imported.output.slice(-2000)}`);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
  reporter.detail(`Docker: ${LOCAL_DEBIAN_BASE} made; the images build FROM it (ETL_DEBIAN_BASE)`);
  return LOCAL_DEBIAN_BASE;
}

/** Everything `docker compose up --build` needs here, each step said as it runs; the build settings to use. */
export async function provision(config: EtlConfig, reporter: Reporter): Promise<BuildSettings> {
  await ensureEngine(config.paths.state, reporter);
  await ensureComposePlugin(reporter);
  const debianBase = await ensureDebianBase(reporter);
  return { debianBase, caFile: existsSync(HOST_CA_BUNDLE) ? HOST_CA_BUNDLE : undefined };
}
