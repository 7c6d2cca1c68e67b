import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { EtlConfig } from '../../config';
import { DEFAULT_PATHS } from '../../contract';
import { EtlError } from '../../errors';
import type { Reporter } from '../../reporter';
import type { ServiceStatus, Stack, StackProgress } from '../backend';
import { withStackLock } from '../lock';
import { LOG_INDEX_PATTERN, LOG_TEMPLATE_NAME, installLogIndexTemplate } from '../logIndexTemplate';
import { isPortFree, portOwner } from '../ports';
import { explainUpFailure } from './failures';
import {
  COMPOSE_PROFILES,
  composeArgs,
  composeEnv,
  composePreviewDir,
  composeProject,
  type BuildSettings,
  type ComposeProject,
} from './project';
import { engineAnswers, engineDownError, presentDebianBase, provision } from './provision';
import { COMPOSE_OPTIONAL, composeServices, parsePs, stateOf, type ComposeService, type PsRow } from './services';
import { stagePrebuiltGoTools } from './prebuilt';

/** Seconds `up --wait` may take: a cold build of every image is minutes, a warm start seconds. */
const WAIT_TIMEOUT_S = 1200;

async function compose(project: ComposeProject, args: string[], profiles: readonly string[] = []) {
  return execa('docker', composeArgs(project, args, profiles), {
    env: composeEnv(project),
    reject: false,
    stdin: 'ignore',
    all: true,
  });
}

async function requireEngine(): Promise<void> {
  if (!(await engineAnswers())) throw engineDownError();
}

/** The build settings without provisioning: the base image already here. */
async function presentBuild(): Promise<BuildSettings> {
  if (process.env.ETL_DEBIAN_BASE) return { debianBase: process.env.ETL_DEBIAN_BASE };
  const base = await presentDebianBase();
  return { debianBase: base?.local ? base.base : undefined };
}

async function psRows(project: ComposeProject): Promise<PsRow[]> {
  const result = await compose(project, ['ps', '-a', '--format', 'json'], COMPOSE_PROFILES);
  if (result.exitCode !== 0)
    throw new EtlError(
      `docker compose ps failed: ${String(result.all ?? '')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' ')}`,
    );
  return parsePs(String(result.stdout ?? ''));
}

/** One row per long-running service: the default ones always, a profile's (Kibana …) when it has a container. */
function toStatus(services: ComposeService[], rows: PsRow[]): ServiceStatus[] {
  return services
    .map((service) => ({ service, row: rows.find((r) => r.Service === service.name) }))
    .filter(({ service, row }) => !service.profile || row)
    .map(({ service, row }) => ({
      name: service.name,
      title: service.title,
      state: stateOf(row),
      url: service.url,
      pid: null,
      container: row?.Name,
    }));
}

async function assertPortsFree(config: EtlConfig, services: ComposeService[], rows: PsRow[]): Promise<void> {
  for (const service of services) {
    // Our own running container holds its ports (through docker-proxy): that is not a conflict.
    if (stateOf(rows.find((r) => r.Service === service.name)) !== 'stopped') continue;
    for (const { port, setting } of service.ports) {
      if (await isPortFree(config.bindHost, port)) continue;
      const owner = (await portOwner(port)) ?? 'another program';
      throw new EtlError(
        `cannot start ${service.title} (compose): port ${port} (${setting}) on ${config.bindHost} is already used ` +
          `by ${owner}`,
        `stop that program (a native stack: \`etl down --mode native\`), or choose another port with ${setting} in ` +
          `.env`,
      );
    }
  }
}

/** Polls `ps` while `up` runs and tells `onProgress` the whole status whenever it changes. */
function watchProgress(project: ComposeProject, services: ComposeService[], onProgress?: StackProgress): () => void {
  if (!onProgress) return () => {};
  let stopped = false;
  let last = '';
  void (async () => {
    while (!stopped) {
      const rows = await psRows(project).catch(() => undefined);
      if (rows && !stopped) {
        const status = toStatus(services, rows);
        const key = JSON.stringify(status.map((s) => s.state));
        if (key !== last) onProgress(status);
        last = key;
      }
      await sleep(1500);
    }
  })();
  return () => {
    stopped = true;
  };
}

/** `docker compose up`, its noteworthy lines told to the reporter; the last lines kept for errors. */
async function runUp(
  project: ComposeProject,
  args: string[],
  profiles: string[],
  reporter: Reporter,
): Promise<{ ok: boolean; tail: string[] }> {
  const child = execa('docker', composeArgs(project, args, profiles), {
    env: composeEnv(project),
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  const tail: string[] = [];
  createInterface({ input: child.all! }).on('line', (line) => {
    tail.push(line);
    if (tail.length > 80) tail.shift();
    const event = /(Container|Image) (\S+)\s+(Built|Started|Healthy|Error)/.exec(line);
    if (event) reporter.detail(`${event[2]}: ${event[3].toLowerCase()}`);
    // BuildKit's plain output names each step once ("#12 [minio-build 3/5] RUN …"): enough to see a cold build move.
    const step = /^#\d+ \[([\w-]+ \d+\/\d+)\] (.*)/.exec(line);
    if (step) reporter.detail(`build [${step[1]}] ${step[2].replace(/\s+/g, ' ').slice(0, 100)}`);
  });
  const result = await child;
  return { ok: result.exitCode === 0, tail };
}

/** A container compose names unhealthy or exited: its last log lines go into the error, before `up` removes it. */
async function withContainerLog(error: EtlError, tail: string[]): Promise<EtlError> {
  const container = /container (\S+) (?:is unhealthy|exited)/.exec(tail.join('\n'))?.[1];
  if (!container) return error;
  const logs = await execa('docker', ['logs', '--tail', '15', container], {
    reject: false,
    all: true,
    stdin: 'ignore',
  });
  const lines = String(logs.all ?? '').trim().split('\n').map((l) => `    ${l.slice(0, 300)}`).join('\n');
  return new EtlError(`${error.message}\nlast lines of ${container}'s log:\n${lines}`, error.hint);
}

/** Removes what a failed `up` added: everything when nothing ran before, else the services it started. */
async function undoUp(project: ComposeProject, before: PsRow[], reporter: Reporter): Promise<void> {
  const runningBefore = new Set(before.filter((r) => stateOf(r) !== 'stopped').map((r) => r.Service));
  if (!runningBefore.size) {
    reporter.detail('removing the containers this failed start created');
    await compose(project, ['down', '--remove-orphans', '-t', '5'], COMPOSE_PROFILES);
    return;
  }
  const added = (await psRows(project)).filter((r) => !runningBefore.has(r.Service)).map((r) => r.Service);
  if (added.length) await compose(project, ['rm', '--force', '--stop', ...added], COMPOSE_PROFILES);
}

async function installTemplate(config: EtlConfig, reporter: Reporter): Promise<void> {
  // Elasticsearch is healthy when `up --wait` returns; a short retry covers its first seconds.
  for (let attempt = 1; ; attempt++) {
    try {
      await installLogIndexTemplate(config);
      reporter.detail(`Elasticsearch: index template ${LOG_TEMPLATE_NAME} for ${LOG_INDEX_PATTERN} installed`);
      return;
    } catch (error) {
      if (attempt >= 10)
        throw new EtlError(`cannot install the log index template in Elasticsearch: ${(error as Error).message}`);
      await sleep(1000);
    }
  }
}

/**
 * The dev session's preview folder, made by us before compose mounts it: a folder docker makes is root's, and the
 * session runs as the caller (ETL_UID), who writes its previews and socket there.
 */
function makePreviewDir(config: EtlConfig): void {
  mkdirSync(composePreviewDir(config), { recursive: true });
}

/** ./ETL_logs, mounted by the runner, Airflow and the log shipper: ours before compose would make it as root. */
function makeLogDir(config: EtlConfig): void {
  mkdirSync(join(config.paths.root, DEFAULT_PATHS.logDir), { recursive: true });
}

/** The compose stack: docker compose with the project's docker-compose.yml, `-p` from COMPOSE_PROJECT_NAME. */
export function composeStack(config: EtlConfig): Stack {
  const services = composeServices(config);
  const lock = <T>(operation: string, reporter: Reporter, work: () => Promise<T>) =>
    withStackLock(config.paths.state, `${operation} --mode compose`, reporter, work);
  const serviceNamed = (name: string) => {
    const service = services.find((s) => s.name === name);
    if (!service)
      throw new EtlError(`unknown compose service "${name}"`, `known: ${services.map((s) => s.name).join(', ')}`);
    return service;
  };
  const status = async (project?: ComposeProject) => {
    await requireEngine();
    return toStatus(services, await psRows(project ?? composeProject(config)));
  };

  return {
    mode: 'compose',
    serviceNames: () => services.map((s) => s.name),

    up: async (reporter, withOptional, onProgress) => {
      // Before the lock: an engine that does not answer fails at once, whoever holds the stack.
      const build = await provision(config, reporter);
      return lock('up', reporter, async () => {
        const project = composeProject(config, build);
        const profiles: string[] = COMPOSE_OPTIONAL.filter((profile) => withOptional.includes(profile));
        const before = await psRows(project);
        await assertPortsFree(config, services.filter((s) => !s.profile || profiles.includes(s.profile)), before);
        if (profiles.includes('dev')) makePreviewDir(config);
        makeLogDir(config);
        if (stagePrebuiltGoTools(config.paths.root, config.paths.cache))
          reporter.detail('minio image: the MinIO and mc binaries `etl setup` built for these pins (docker/prebuilt)');
        reporter.step(
          `docker compose (project ${project.name}): building the images (cached layers are reused) and starting ` +
            `the stack`,
        );
        const stopWatching = watchProgress(project, services, onProgress);
        let outcome: { ok: boolean; tail: string[] };
        try {
          outcome = await runUp(
            project,
            ['up', '-d', '--build', '--wait', '--wait-timeout', String(WAIT_TIMEOUT_S)],
            profiles,
            reporter,
          );
        } finally {
          stopWatching();
        }
        if (!outcome.ok) {
          const error = await withContainerLog(explainUpFailure(outcome.tail, services), outcome.tail);
          await undoUp(project, before, reporter);
          throw error;
        }
        await installTemplate(config, reporter);
        const result = await status(project);
        onProgress?.(result);
        return result;
      });
    },

    // Named volumes (MinIO's data, Elasticsearch's, Airflow's home) stay unless asked.
    down: (reporter, downOptions = {}) =>
      lock('down', reporter, async () => {
        await requireEngine();
        const project = composeProject(config);
        const running = toStatus(services, await psRows(project))
          .filter((s) => s.state !== 'stopped')
          .map((s) => s.name);
        reporter.step(
          `docker compose down (project ${project.name}${downOptions.volumes ? ', volumes too' : ', volumes kept'})`,
        );
        const args = ['down', '--remove-orphans', '-t', '10', ...(downOptions.volumes ? ['--volumes'] : [])];
        const result = await compose(project, args, COMPOSE_PROFILES);
        if (result.exitCode !== 0)
          throw new EtlError(
            `docker compose down failed:\n${String(result.all ?? '')
              .trim()
              .split('\n')
              .slice(-8)
              .join('\n')}`,
          );
        return running;
      }),

    status: () => status(),

    start: (name, reporter) =>
      lock(`start ${name}`, reporter, async () => {
        const service = serviceNamed(name);
        await requireEngine();
        const project = composeProject(config, await presentBuild());
        await assertPortsFree(config, [service], await psRows(project));
        if (service.profile === 'dev') makePreviewDir(config);
        makeLogDir(config);
        reporter.step(`${service.title}: starting (docker compose up --wait ${name})`);
        // --no-recreate: starting one service never replaces a running one it depends on (the master of a worker).
        const outcome = await runUp(
          project,
          ['up', '-d', '--no-recreate', '--wait', '--wait-timeout', String(WAIT_TIMEOUT_S), name],
          service.profile ? [service.profile] : [],
          reporter,
        );
        if (!outcome.ok) throw await withContainerLog(explainUpFailure(outcome.tail, services), outcome.tail);
        return status(project);
      }),

    stop: (name, reporter) =>
      lock(`stop ${name}`, reporter, async () => {
        const service = serviceNamed(name);
        await requireEngine();
        const project = composeProject(config);
        const wasRunning = stateOf((await psRows(project)).find((r) => r.Service === name)) !== 'stopped';
        if (!wasRunning) return false;
        reporter.step(`${service.title}: stopping (docker compose stop ${name})`);
        const result = await compose(project, ['stop', '-t', '10', name], COMPOSE_PROFILES);
        if (result.exitCode !== 0)
          throw new EtlError(`docker compose stop ${name} failed: ${String(result.all ?? '').trim()}`);
        return true;
      }),
  };
}
