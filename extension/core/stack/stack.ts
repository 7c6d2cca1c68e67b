import { mkdirSync } from 'node:fs';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import type { Reporter } from '../reporter';
import type { ServiceState, ServiceStatus, StackProgress } from './backend';
import { ensureBuckets } from './buckets';
import { ensureEtlUser } from './minioUser';
import { waitUntil } from './health';
import { LOG_INDEX_PATTERN, LOG_TEMPLATE_NAME, installLogIndexTemplate } from './logIndexTemplate';
import { isPortFree, portOwner } from './ports';
import { logEnd, restartNote } from './restarts';
import { withStackLock } from './lock';
import {
  isRecordAlive,
  liveRecord,
  logTail,
  markedProcesses,
  recordedServices,
  startDaemon,
  stopDaemon,
  stopProcesses,
  type PidRecord,
} from './processes';
import { allNativeServices, nativeServices, type NativeService, type ServiceName } from './services';

export type { ServiceState, ServiceStatus } from './backend';

/**
 * Services are started in waves (each one's wave is in catalog.ts): the workers need a live master, the log shipper
 * the log template.
 */
const WAVES = [1, 2] as const;

async function assertPortsFree(config: EtlConfig, service: NativeService): Promise<void> {
  for (const { port, setting } of service.ports) {
    if (await isPortFree(config.bindHost, port)) continue;
    const owner = (await portOwner(port)) ?? 'another program';
    const leftover = markedProcesses(config.paths.state).some((pid) => owner.endsWith(`(pid ${pid})`));
    throw new EtlError(
      `cannot start ${service.title}: port ${port} (${setting}) on ${config.bindHost} is already used by ${owner}`,
      leftover
        ? 'that process was left by an earlier `etl up` that did not finish: `etl down` stops it'
        : `stop that program, or choose another port with ${setting} in .env`,
    );
  }
}

async function waitHealthy(service: NativeService, record: PidRecord): Promise<void> {
  const outcome = await waitUntil(service.healthy, {
    timeoutMs: service.startTimeoutSeconds * 1000,
    abort: () => (isRecordAlive(record) ? undefined : 'exited'),
  });
  if (outcome === 'ok') return;
  const why =
    outcome === 'exited' ? 'exited during start-up' : `was not healthy after ${service.startTimeoutSeconds} s`;
  throw new EtlError(
    `${service.title} ${why}; last lines of ${record.logFile}:\n${logTail(record.logFile)}`,
    'fix the cause above, then run `etl up` again',
  );
}

/** What one `up` / `start` call hears: every process it starts, every service that turns healthy. */
interface StartEvents {
  started(service: NativeService): void;
  healthy(service: NativeService): void;
}

/** Starts one service unless our own copy already runs. */
async function startService(
  config: EtlConfig,
  service: NativeService,
  reporter: Reporter,
  events: StartEvents,
): Promise<void> {
  const running = liveRecord(config.paths.pids, service.name);
  if (running) {
    await waitHealthy(service, running);
    reporter.step(`${service.title}: already running (pid ${running.pid})`);
    events.healthy(service);
    return;
  }
  await assertPortsFree(config, service);
  const record = startDaemon(config.paths.pids, config.paths.state, service.daemon());
  events.started(service);
  reporter.detail(`${service.title}: started (pid ${record.pid}), waiting until healthy`);
  await waitHealthy(service, record);
  reporter.step(`${service.title}: healthy at ${service.url}`);
  events.healthy(service);
}

/** What the stack needs once a service answers: buckets in MinIO, the log template in Elasticsearch. */
async function afterHealthy(config: EtlConfig, services: NativeService[], reporter: Reporter): Promise<void> {
  const names = services.map((s) => s.name);
  if (names.includes('minio')) {
    const created = await ensureBuckets(config);
    if (created.length) reporter.step(`MinIO: created bucket(s) ${created.join(', ')}`);
    await ensureEtlUser(config);
    reporter.detail(
      `MinIO: user ${config.minio.accessKey} (MINIO_ACCESS_KEY) may use ${config.buckets.rawzone} and ` +
        `${config.buckets.gold}`,
    );
  }
  if (names.includes('elasticsearch')) {
    await installLogIndexTemplate(config);
    reporter.detail(`Elasticsearch: index template ${LOG_TEMPLATE_NAME} for ${LOG_INDEX_PATTERN} installed`);
  }
}

/**
 * Brings the native stack up and waits until every service is healthy.
 * On failure it stops what this call started, so no half-started stack remains.
 * Holds the state folder's stack lock: a concurrent `up` waits, then finds everything running.
 */
export async function up(
  config: EtlConfig,
  reporter: Reporter,
  withOptional: string[] = config.stackWith,
  onProgress?: StackProgress,
): Promise<ServiceStatus[]> {
  return withStackLock(config.paths.state, 'up', reporter, async () => {
    const events = progressEvents(config, onProgress);
    try {
      await startInWaves(config, reporter, nativeServices(config, withOptional), events);
    } finally {
      // Every progress report is delivered before `up` returns, the last one last.
      await events.delivered();
    }
    return status(config);
  });
}

/**
 * Tells `onProgress` the whole status each time a service starts or turns healthy. One status() at a
 * time, the newest state each time: a slow status() never delivers an older snapshot after a newer
 * one, and events that arrive meanwhile fold into the next snapshot instead of piling up.
 */
function progressEvents(config: EtlConfig, onProgress?: StackProgress): StartEvents & { delivered(): Promise<void> } {
  const starting = new Set<string>();
  let inFlight: Promise<void> | undefined;
  let again = false;
  const snapshot = async () => {
    // A started service is "unhealthy" to status() until it answers: while `up` waits, it is starting.
    const rows = await status(config);
    onProgress?.(
      rows.map((row) => (starting.has(row.name) && row.state !== 'running' ? { ...row, state: 'starting' } : row)),
    );
  };
  const drain = async () => {
    do {
      again = false;
      await snapshot().catch(() => undefined);
    } while (again);
    inFlight = undefined;
  };
  const report = () => {
    if (!onProgress) return;
    if (inFlight) again = true;
    else inFlight = drain();
  };
  return {
    delivered: () => inFlight ?? Promise.resolve(),
    started: (service) => {
      starting.add(service.name);
      report();
    },
    healthy: (service) => {
      starting.delete(service.name);
      report();
    },
  };
}

const quietEvents: StartEvents = { started: () => {}, healthy: () => {} };

/** Starts one service of the native stack (a Spark worker needs the master running). */
export async function startOne(config: EtlConfig, name: ServiceName, reporter: Reporter): Promise<ServiceStatus[]> {
  const service = allNativeServices(config).find((s) => s.name === name);
  if (!service)
    throw new EtlError(
      `unknown service "${name}"`,
      `known: ${allNativeServices(config)
        .map((s) => s.name)
        .join(', ')}`,
    );
  return withStackLock(config.paths.state, `start ${name}`, reporter, async () => {
    if (name.startsWith('spark-worker') && !liveRecord(config.paths.pids, 'spark-master')) {
      throw new EtlError(
        `${service.title} needs the Spark master, which is not running`,
        'start the stack (`etl up`) or the master first (`etl start spark-master`)',
      );
    }
    await startInWaves(config, reporter, [service], quietEvents);
    return status(config);
  });
}

/** Stops one service `etl up` started; returns whether it was running. */
export async function stopOne(config: EtlConfig, name: ServiceName, reporter: Reporter): Promise<boolean> {
  return withStackLock(config.paths.state, `stop ${name}`, reporter, () => stopRecorded(config, name, reporter));
}

async function stopRecorded(config: EtlConfig, name: string, reporter: Reporter): Promise<boolean> {
  const record = liveRecord(config.paths.pids, name);
  if (!record) return false;
  reporter.step(`${name}: stopping (pid ${record.pid})`);
  await allNativeServices(config).find((s) => s.name === name)?.beforeStop?.();
  await stopDaemon(config.paths.pids, record);
  return true;
}

async function startInWaves(
  config: EtlConfig,
  reporter: Reporter,
  services: NativeService[],
  events: StartEvents,
): Promise<void> {
  mkdirSync(config.paths.state, { recursive: true });
  const started: NativeService[] = [];
  const track: StartEvents = {
    started: (service) => {
      started.push(service);
      events.started(service);
    },
    healthy: events.healthy,
  };
  try {
    for (const wave of WAVES) {
      const inWave = services.filter((s) => s.wave === wave);
      const results = await Promise.allSettled(inWave.map((s) => startService(config, s, reporter, track)));
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
      await afterHealthy(config, inWave, reporter);
    }
  } catch (error) {
    for (const service of started.reverse()) {
      const record = liveRecord(config.paths.pids, service.name);
      if (record) await stopDaemon(config.paths.pids, record);
    }
    throw error;
  }
}

export async function status(config: EtlConfig): Promise<ServiceStatus[]> {
  return Promise.all(
    allNativeServices(config).map(async (service): Promise<ServiceStatus> => {
      const record = liveRecord(config.paths.pids, service.name);
      const state: ServiceState = !record ? 'stopped' : (await service.healthy()) ? 'running' : 'unhealthy';
      const note = record && service.supervised ? restartNote(logEnd(record.logFile), record.startedAt) : undefined;
      return {
        name: service.name, title: service.title, state, url: service.url, pid: record?.pid ?? null,
        ...(note ? { note } : {}),
      };
    }),
  );
}

/**
 * Stops every daemon `etl up` recorded, workers before the master, then whatever still
 * carries the stack's marker (left by a crashed `up`, or forked by a daemon): no process stays.
 */
export async function down(config: EtlConfig, reporter: Reporter): Promise<string[]> {
  return withStackLock(config.paths.state, 'down', reporter, async () => {
    const order = allNativeServices(config).map((s) => s.name as string).reverse();
    const recorded = recordedServices(config.paths.pids).sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const stopped: string[] = [];
    for (const name of recorded) {
      if (await stopRecorded(config, name, reporter)) stopped.push(name);
      else reporter.detail(`${name}: stale pid file removed`);
    }
    const leftovers = markedProcesses(config.paths.state);
    if (leftovers.length) {
      reporter.step(
        `stopping ${leftovers.length} process(es) of this stack without a pid file (pids ${leftovers.join(', ')}), ` +
          `left by an \`etl up\` that did not finish`,
      );
      await stopProcesses(leftovers);
      stopped.push(`${leftovers.length} unrecorded process(es)`);
    }
    return stopped;
  });
}
