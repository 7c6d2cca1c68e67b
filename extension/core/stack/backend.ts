import type { Reporter } from '../reporter';

/**
 * The one stack interface the CLI and the extension use. Two implementations:
 * `native` (processes `etl up` starts, pid files in the state folder) and `compose`
 * (docker compose with the project's docker-compose.yml). `openStack()` picks one.
 */
export type StackMode = 'native' | 'compose';
/** `auto`: compose when a Docker engine answers, native otherwise. */
export type StackModeSetting = StackMode | 'auto';
export const STACK_MODE_SETTINGS: readonly StackModeSetting[] = ['auto', 'native', 'compose'];

export type ServiceState = 'running' | 'starting' | 'unhealthy' | 'stopped';

export interface ServiceStatus {
  /** What `etl start|stop` accepts: the native service name, or the compose service name. */
  name: string;
  title: string;
  state: ServiceState;
  /** The UI (or API) a user opens. */
  url: string;
  /** Native: the daemon's pid. Compose: null. */
  pid: number | null;
  /** Compose: the container name; native: undefined. */
  container?: string;
  /** Native: what its supervisor restarted since it started (Airflow's scheduler killed, say); undefined if nothing. */
  note?: string;
}

/** Called with the whole stack's status each time a service changes state while `up` runs. */
export type StackProgress = (services: ServiceStatus[]) => void;

export interface Stack {
  readonly mode: StackMode;
  /** The services `start`/`stop` accept. */
  serviceNames(): readonly string[];
  /** Starts everything (with the optional services), waits until healthy; stops what it started on failure. */
  up(reporter: Reporter, withOptional: string[], onProgress?: StackProgress): Promise<ServiceStatus[]>;
  /**
   * Stops everything this stack started; returns the names stopped. `volumes`: compose also removes its named volumes.
   */
  down(reporter: Reporter, options?: { volumes?: boolean }): Promise<string[]>;
  status(): Promise<ServiceStatus[]>;
  start(name: string, reporter: Reporter): Promise<ServiceStatus[]>;
  /** Returns whether it was running. */
  stop(name: string, reporter: Reporter): Promise<boolean>;
}
