import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtlConfig } from '../config';
import { EtlError } from '../errors';
import { processStartTicks } from './processes';
import { renderShipperConfig, shipperFiles } from './logShipperConfig';

/** Debian's packages of the shipper (`etl setup` installs them as root). */
export const SHIPPER_APT_PACKAGES = ['rsyslog', 'rsyslog-elasticsearch'];
export const RSYSLOGD = '/usr/sbin/rsyslogd';
export const shipperInstallCommand = () => `apt-get update && apt-get install -y --no-install-recommends ${SHIPPER_APT_PACKAGES.join(' ')}`;

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
  const files = shipperFiles(work);
  const text = renderShipperConfig(
    { work, logDir: config.paths.etlLogs, serviceLog },
    { host: config.bindHost, port: config.elasticsearch.port },
  );
  writeFileSync(files.config, text);
  return { config: files.config, pid: files.pid };
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
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"origin": "omelasticsearch"'));
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
