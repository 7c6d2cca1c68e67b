import type { EtlConfig } from '../../config';
import type { ServiceState } from '../backend';
import { COMPOSE_CATALOG, portsOf, urlOf } from '../catalog';

/** A long-running service of docker-compose.yml (one-shots such as minio-init are not rows). */
export interface ComposeService {
  name: string;
  title: string;
  url: string;
  /** The host ports it publishes, with the .env key that chooses each. */
  ports: { port: number; setting: string }[];
  /** The compose profile that enables it, when not a default service. */
  profile?: string;
}

/** The compose services (catalog.ts), in the catalog's order. */
export function composeServices(config: EtlConfig): ComposeService[] {
  return COMPOSE_CATALOG.map((entry) => ({
    name: entry.name,
    title: entry.title,
    url: urlOf(config, entry),
    ports: portsOf(config, entry, 'compose'),
    ...(entry.compose?.profile ? { profile: entry.compose.profile } : {}),
  }));
}

/** Optional groups `up` accepts in compose mode (Elasticsearch and Airflow always run there). */
export const COMPOSE_OPTIONAL = ['elk', 'dev'] as const;

/** One row of `docker compose ps --format json`. */
export interface PsRow {
  Name: string;
  Service: string;
  State: string;
  Health?: string;
  ExitCode?: number;
}

/** compose ≥ 2.21 prints one JSON object a line; older versions one array. */
export function parsePs(stdout: string): PsRow[] {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith('[')) return JSON.parse(text) as PsRow[];
  return text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as PsRow);
}

/** Container state and health → the stack's states (a container without a healthcheck runs when it runs). */
export function stateOf(row: PsRow | undefined): ServiceState {
  if (!row) return 'stopped';
  const state = row.State.toLowerCase();
  if (state === 'running') {
    const health = (row.Health ?? '').toLowerCase();
    if (health === 'starting') return 'starting';
    if (health === 'unhealthy') return 'unhealthy';
    return 'running';
  }
  if (state === 'created') return 'starting';
  // Restarting again and again is a crash loop, not a start.
  if (state === 'restarting') return 'unhealthy';
  return 'stopped';
}
