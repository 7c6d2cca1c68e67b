import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import { esClusterHealthy } from '../elasticsearch/client';
import { processStartTicks } from './processes';
import { renderShipperConfig, shipperFiles } from './logShipperConfig';
import { esLogin } from './localAuth';

/** Debian's packages of the shipper (`etl setup` installs them as root). */
export const SHIPPER_APT_PACKAGES = ['rsyslog', 'rsyslog-elasticsearch'];
export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const shipperInstallCommand = () =>
  `apt-get update && apt-get install -y --no-install-recommends ${SHIPPER_APT_PACKAGES.join(' ')}`;

/** Where Debian puts rsyslog's modules (multiarch folder), or undefined when omelasticsearch is missing. */
export function omelasticsearchModule(): string | undefined {
  const lib = '/usr/lib';
  if (!existsSync(lib)) return undefined;
  const candidates = [join(lib, 'rsyslog')];
  try {
    for (const entry of readdirSync(lib)) if (entry.includes('-linux-')) candidates.push(join(lib, entry, 'rsyslog'));
  } catch {
    /* unreadable /usr/lib: nothing found */
  }
  return candidates.map((dir) => join(dir, 'omelasticsearch.so')).find((file) => existsSync(file));
}

export function requireShipper(): string {
  if (existsSync(RSYSLOGD) && omelasticsearchModule()) return RSYSLOGD;
  throw new EtlError(
    `the log shipper (Debian's ${SHIPPER_APT_PACKAGES.join(', ')}) is not installed`,
    process.getuid?.() === 0 ? 'run `etl setup --only log-shipper`' : `run as root: ${shipperInstallCommand()}`,
  );
}

export const shipperWorkDir = (config: EtlConfig) => join(config.paths.state, 'log-shipper');

/** Writes rsyslog's configuration for this stack; returns the file and the rsyslogd pid file. */
export function writeShipperConfig(config: EtlConfig, serviceLog: string): { config: string; pid: string } {
  const work = shipperWorkDir(config);
  mkdirSync(work, { recursive: true });
  // imfile watches the folder: it must exist before the first ETL step writes there.
  mkdirSync(config.paths.etlLogs, { recursive: true });
  rewindIfMarked(work);
  pruneStaleOffsets(work);
  const files = shipperFiles(work);
  removeStalePidFile(files.pid);
  // impstats appends for ever: one file per run of the shipper (its counters start at 0 anyway).
  rmSync(files.stats, { force: true });
  const text = renderShipperConfig(
    { work, logDir: config.paths.etlLogs, serviceLog },
    { host: config.bindHost, port: config.elasticsearch.port, login: esLogin(config) },
  );
  // Mode 600 from the start, and again for a file an earlier version left readable: it may hold the password.
  writeFileSync(files.config, text, { mode: 0o600 });
  chmodSync(files.config, 0o600);
  writeFileSync(join(work, 'shipper.json'), JSON.stringify({ logDir: config.paths.etlLogs }, null, 2));
  return { config: files.config, pid: files.pid };
}

/**
 * A shipper that died without its shutdown (SIGKILL, out of memory) leaves its pid file, and rsyslogd
 * refuses to start while that pid still answers (a zombie not yet reaped does). Its queues and offsets on
 * disk are what the next start resumes from; the pid file only has to go.
 */
function removeStalePidFile(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(Number.isInteger(pid) && pid > 0 && processStartTicks(pid) !== undefined)) rmSync(pidFile, { force: true });
}

/**
 * imfile keeps a state file per inode and file name, for ever. One whose file is gone or is now another
 * inode is stale, and harmful: a new file that reused that inode under that name (a rotation deletes the
 * oldest backup, then creates the log) would start at the old offset. An unreadable one (a kill while it
 * was written) goes too: that file is read again from its start (409s, nothing lost).
 */
export function pruneStaleOffsets(work: string): void {
  for (const name of readdirSync(work)) {
    const inode = /^imfile-state:(\d+):/.exec(name)?.[1];
    if (!inode) continue;
    const file = join(work, name);
    try {
      const { filename } = JSON.parse(readFileSync(file, 'utf8')) as { filename?: string };
      if (filename && existsSync(filename) && String(statSync(filename, { bigint: true }).ino) === inode) continue;
    } catch {
      /* unreadable: removed below */
    }
    rmSync(file, { force: true });
  }
}

const rewindMarker = (work: string) => join(work, 'rewind-on-start');

/**
 * rsyslog 8.2302 drops the batch it is retrying when it is stopped while Elasticsearch is down
 * (the queued lines are saved; that one is not), and imfile has saved its offset past it. So a
 * stop during an outage leaves a marker, and the next start reads the current log files again
 * from their start: lines already indexed come back as 409 on `create` (no copy), the dropped
 * one is indexed. Bounded: one current file per step (10 MB at most, see src/etl/logger.py).
 */
export async function beforeShipperStop(config: EtlConfig): Promise<void> {
  if (await esClusterHealthy(config)) return;
  const work = shipperWorkDir(config);
  mkdirSync(work, { recursive: true });
  writeFileSync(rewindMarker(work), new Date().toISOString());
}

/** Forgets imfile's offsets when the last stop happened during an outage (see beforeShipperStop). */
export function rewindIfMarked(work: string): boolean {
  if (!existsSync(rewindMarker(work))) return false;
  for (const name of readdirSync(work)) if (name.startsWith('imfile-state:')) rmSync(join(work, name), { force: true });
  rmSync(rewindMarker(work), { force: true });
  return true;
}

/** The folder the running shipper tails (ETL_LOG_DIR as given to `etl up`), else this process's. */
export function shippedLogDir(config: EtlConfig): string {
  const file = join(shipperWorkDir(config), 'shipper.json');
  if (!existsSync(file)) return config.paths.etlLogs;
  return (JSON.parse(readFileSync(file, 'utf8')) as { logDir: string }).logDir;
}

/** rsyslogd writes its pid file once its configuration is loaded and its inputs run. */
export function shipperRunning(config: EtlConfig): boolean {
  const { pid } = shipperFiles(shipperWorkDir(config));
  if (!existsSync(pid)) return false;
  const value = Number(readFileSync(pid, 'utf8').trim());
  return Number.isInteger(value) && value > 0 && processStartTicks(value) !== undefined;
}

/** The omelasticsearch counters of the last impstats line (tests, benchmark, status detail). */
export interface ShipperCounters {
  submitted: number;
  success: number;
  duplicate: number;
  bad: number;
  failedHttp: number;
}

export function readShipperCounters(work: string): ShipperCounters | undefined {
  const file = shipperFiles(work).stats;
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"origin": "omelasticsearch"'));
  const last = lines[lines.length - 1];
  if (!last) return undefined;
  const stats = JSON.parse(last.slice(last.indexOf('{'))) as Record<string, number>;
  return {
    submitted: stats.submitted,
    success: stats['response.success'],
    duplicate: stats['response.duplicate'],
    bad: stats['response.bad'],
    failedHttp: stats['failed.http'],
  };
}
