import type { EtlConfig, OptionalService } from '../config';

/**
 * The one service catalog: every long-running service of the stack, native (services.ts) and compose
 * (compose/services.ts, docker-compose.yml), with its title, ports, URL, health check, how it is enabled and what
 * starts it. The native and compose services read their names, titles, ports, URLs and probes from here;
 * docker-compose.yml stays hand-written YAML and tests/typescript/unit/serviceCatalog.test.ts holds it to this table.
 * How a native service is started (its arguments and environment) stays logic in services.ts.
 */

/** The .env settings that choose a host port, and where the configuration keeps each value. */
const PORT_VALUES = {
  MINIO_API_PORT: (c: EtlConfig) => c.minio.apiPort,
  MINIO_CONSOLE_PORT: (c: EtlConfig) => c.minio.consolePort,
  SPARK_MASTER_PORT: (c: EtlConfig) => c.spark.masterPort,
  SPARK_MASTER_UI_PORT: (c: EtlConfig) => c.spark.masterUiPort,
  SPARK_WORKER_1_UI_PORT: (c: EtlConfig) => c.spark.workerUiPorts[0],
  SPARK_WORKER_2_UI_PORT: (c: EtlConfig) => c.spark.workerUiPorts[1],
  SPARK_HISTORY_UI_PORT: (c: EtlConfig) => c.spark.historyUiPort,
  SPARK_CONNECT_PORT: (c: EtlConfig) => c.spark.connectPort,
  SPARK_CONNECT_UI_PORT: (c: EtlConfig) => c.spark.connectUiPort,
  ES_PORT: (c: EtlConfig) => c.elasticsearch.port,
  ES_TRANSPORT_PORT: (c: EtlConfig) => c.elasticsearch.transportPort,
  AIRFLOW_PORT: (c: EtlConfig) => c.airflowPort,
  KIBANA_PORT: (c: EtlConfig) => c.kibanaPort,
} as const;
export type PortSetting = keyof typeof PORT_VALUES;

/** The host port `setting` chooses in this configuration. */
export const portValue = (config: EtlConfig, setting: PortSetting): number => PORT_VALUES[setting](config);

export interface CatalogPort {
  /** The .env setting that chooses the host port (its default is .env.example's). */
  readonly setting: PortSetting;
  /** The port inside the container that docker-compose.yml publishes on it; absent: only the native stack binds it. */
  readonly container?: number;
}

/** What a health check probes and what counts as healthy. */
export interface HealthProbe {
  /** The HTTP path probed (on the port of `port`), when the probe is an HTTP request. */
  readonly path?: string;
  readonly port?: PortSetting;
  /** The whole check in words: what is asked, what answer is healthy. */
  readonly check: string;
}

export interface CatalogEntry {
  /** The compose service name, which is the native one too (`etl start|stop <name>`). */
  readonly name: string;
  /** As the Stack view and `etl status` show it. */
  readonly title: string;
  /** Every host port it binds, with the setting that chooses it. */
  readonly ports: readonly CatalogPort[];
  /** The page a user opens: the port (its setting) and path; absent: no page (Logstash, Filebeat). */
  readonly url?: { readonly setting: PortSetting; readonly path?: string };
  /** The profile section that can place it elsewhere (an external S3, Spark, …): then it is not started here. */
  readonly external?: 's3' | 'spark' | 'elasticsearch' | 'airflow';
  /** How the native stack (`etl up`) runs it; absent: compose only. */
  readonly native?: {
    /** The `--with` (ETL_STACK_WITH) name that enables it; absent: it always runs. */
    readonly with?: OptionalService;
    /** Its start wave: the second waits for the first to be healthy (the workers need the master). */
    readonly wave: 1 | 2;
    /** Seconds to wait for health after start. */
    readonly startTimeoutSeconds: number;
    /**
     * What is started: the program (services.ts finds where it is) and its leading arguments; the arguments
     * that depend on the configuration (hosts, ports, folders) are logic in services.ts.
     */
    readonly command: readonly string[];
    readonly health: HealthProbe;
  };
  /** How docker-compose.yml runs it; absent: native only. */
  readonly compose?: {
    /** The compose profile that enables it (`etl up --with <profile>`); absent: a default service. */
    readonly profile?: 'dev' | 'elk';
    /** What its entrypoint and command run (the YAML holds it, the unit test checks it); absent: the image's. */
    readonly command?: string;
    readonly health: HealthProbe;
  };
}

const SPARK_DEPLOY = 'org.apache.spark.deploy';
const masterJson = 'GET /json/ on the master UI';

export const CATALOG = [
  {
    name: 'minio',
    title: 'MinIO',
    ports: [{ setting: 'MINIO_API_PORT', container: 9000 }, { setting: 'MINIO_CONSOLE_PORT', container: 9001 }],
    url: { setting: 'MINIO_CONSOLE_PORT' },
    external: 's3',
    native: {
      wave: 1,
      startTimeoutSeconds: 60,
      command: ['minio', 'server'],
      health: { port: 'MINIO_API_PORT', path: '/minio/health/live', check: 'GET /minio/health/live answers 2xx' },
    },
    compose: {
      command: 'minio server /data',
      health: { path: '/minio/health/live', check: 'curl -f /minio/health/live' },
    },
  },
  {
    name: 'spark-master',
    title: 'Spark master',
    ports: [
      { setting: 'SPARK_MASTER_PORT', container: 7077 },
      { setting: 'SPARK_MASTER_UI_PORT', container: 8080 },
    ],
    url: { setting: 'SPARK_MASTER_UI_PORT' },
    external: 'spark',
    native: {
      wave: 1,
      startTimeoutSeconds: 90,
      command: ['spark-class', `${SPARK_DEPLOY}.master.Master`],
      health: { port: 'SPARK_MASTER_UI_PORT', path: '/json/', check: `${masterJson}: status ALIVE` },
    },
    compose: {
      command: `spark-class ${SPARK_DEPLOY}.master.Master`,
      health: { path: '/json/', check: `${masterJson}: status ALIVE` },
    },
  },
  ...([1, 2] as const).map((index) => ({
    name: `spark-worker-${index}` as const,
    title: `Spark worker ${index}`,
    ports: [{ setting: `SPARK_WORKER_${index}_UI_PORT` as const, container: 8080 + index }],
    url: { setting: `SPARK_WORKER_${index}_UI_PORT` as const },
    external: 'spark' as const,
    native: {
      wave: 2 as const,
      startTimeoutSeconds: 90,
      command: ['spark-class', `${SPARK_DEPLOY}.worker.Worker`],
      health: {
        port: 'SPARK_MASTER_UI_PORT' as const,
        path: '/json/',
        check: `${masterJson}: a worker ALIVE whose web UI address ends with its UI port`,
      },
    },
    compose: {
      command: `spark-class ${SPARK_DEPLOY}.worker.Worker`,
      health: { path: '/json/', check: `${masterJson}: a worker ALIVE whose host is spark-worker-${index}` },
    },
  })),
  {
    name: 'spark-history',
    title: 'Spark History',
    ports: [{ setting: 'SPARK_HISTORY_UI_PORT', container: 18080 }],
    url: { setting: 'SPARK_HISTORY_UI_PORT' },
    external: 'spark',
    native: {
      wave: 1,
      startTimeoutSeconds: 90,
      command: ['spark-class', `${SPARK_DEPLOY}.history.HistoryServer`],
      health: { port: 'SPARK_HISTORY_UI_PORT', path: '/api/v1/version', check: 'GET /api/v1/version answers 2xx' },
    },
    compose: {
      command: `spark-class ${SPARK_DEPLOY}.history.HistoryServer`,
      health: { path: '/api/v1/version', check: 'curl -f /api/v1/version' },
    },
  },
  {
    name: 'spark-connect',
    title: 'Spark Connect (dev session)',
    ports: [
      { setting: 'SPARK_CONNECT_PORT', container: 15002 },
      { setting: 'SPARK_CONNECT_UI_PORT', container: 4050 },
    ],
    url: { setting: 'SPARK_CONNECT_UI_PORT' },
    external: 'spark',
    native: {
      with: 'dev',
      wave: 1,
      startTimeoutSeconds: 120,
      command: ['python', '-m', 'etl.dev.server'],
      health: {
        port: 'SPARK_CONNECT_PORT',
        check: 'its gRPC port accepts a connection and its preview runner answers on <preview>/.worker.sock',
      },
    },
    compose: {
      profile: 'dev',
      command: 'python -m etl.dev.server',
      health: { check: 'port 15002 accepts a connection and /opt/etl/preview/.worker.sock answers' },
    },
  },
  {
    name: 'elasticsearch',
    title: 'Elasticsearch',
    ports: [{ setting: 'ES_PORT', container: 9200 }, { setting: 'ES_TRANSPORT_PORT' }],
    // Natively https when ES_CERTS_DIR is set (services.ts).
    url: { setting: 'ES_PORT' },
    external: 'elasticsearch',
    native: {
      with: 'elasticsearch',
      wave: 1,
      startTimeoutSeconds: 120,
      command: ['bin/elasticsearch'],
      health: {
        port: 'ES_PORT',
        path: '/_cluster/health',
        check: 'cluster health green or yellow (GET /_cluster/health; secured or TLS: through the ES client)',
      },
    },
    compose: {
      health: { path: '/_cluster/health', check: 'curl -f /_cluster/health?wait_for_status=yellow' },
    },
  },
  {
    name: 'airflow',
    title: 'Airflow',
    ports: [{ setting: 'AIRFLOW_PORT', container: 8080 }],
    url: { setting: 'AIRFLOW_PORT' },
    external: 'airflow',
    native: {
      with: 'airflow',
      wave: 2,
      startTimeoutSeconds: 180,
      command: ['scripts/airflow-native.sh'],
      health: {
        port: 'AIRFLOW_PORT',
        path: '/api/v2/monitor/health',
        check: 'GET /api/v2/monitor/health: metadatabase and scheduler healthy',
      },
    },
    compose: {
      health: {
        path: '/api/v2/monitor/health',
        check: 'GET /api/v2/monitor/health: metadatabase and scheduler healthy',
      },
    },
  },
  {
    name: 'log-shipper',
    title: 'Log shipper (rsyslog)',
    ports: [],
    // What it feeds: the log indices in Elasticsearch.
    url: { setting: 'ES_PORT', path: '/etl-logs-*/_search' },
    external: 'elasticsearch',
    native: {
      // Runs whenever the local Elasticsearch does, unless that one serves HTTPS (services.ts).
      with: 'elasticsearch',
      wave: 2,
      startTimeoutSeconds: 30,
      command: ['rsyslogd', '-n'],
      health: { check: 'the rsyslogd of its pid file runs' },
    },
    // The image's rsyslogd with the same configuration (docker/log-shipper/rsyslog.conf, by renderShipperConfig).
    compose: { health: { check: 'the rsyslogd of its pid file runs' } },
  },
  {
    name: 'logstash',
    title: 'Logstash',
    ports: [],
    external: 'elasticsearch',
    compose: {
      profile: 'elk',
      health: { path: '/_node/pipelines/main', check: 'curl -f localhost:9600/_node/pipelines/main' },
    },
  },
  {
    name: 'kibana',
    title: 'Kibana',
    ports: [{ setting: 'KIBANA_PORT', container: 5601 }],
    url: { setting: 'KIBANA_PORT' },
    external: 'elasticsearch',
    compose: { profile: 'elk', health: { path: '/api/status', check: 'curl -f /api/status' } },
  },
  {
    name: 'filebeat',
    title: 'Filebeat',
    ports: [],
    external: 'elasticsearch',
    compose: { profile: 'elk', command: 'filebeat -e', health: { check: 'filebeat test output' } },
  },
] as const satisfies readonly CatalogEntry[];

type Entry = (typeof CATALOG)[number];
/** A service of the catalog, in either mode. */
export type CatalogName = Entry['name'];
/** The services the native stack runs (`etl start|stop` natively). */
export type NativeName = Extract<Entry, { native: object }>['name'];

export const catalogEntry = (name: string): CatalogEntry | undefined =>
  (CATALOG as readonly CatalogEntry[]).find((e) => e.name === name);

/** The native services, in catalog order (the order of status rows and, reversed, of `down`). */
export const NATIVE_CATALOG = (CATALOG as readonly CatalogEntry[]).filter((e) => e.native);
export const COMPOSE_CATALOG = (CATALOG as readonly CatalogEntry[]).filter((e) => e.compose);

/** The entry's host ports in one mode (compose publishes only those with a container port), with their values. */
export function portsOf(
  config: EtlConfig,
  entry: CatalogEntry,
  mode: 'native' | 'compose',
): { port: number; setting: PortSetting }[] {
  return entry.ports
    .filter((p) => mode === 'native' || p.container !== undefined)
    .map(({ setting }) => ({ port: portValue(config, setting), setting }));
}

/** The entry's page: `<scheme>://<bind host>:<port><path>`, or '' when it has none. */
export function urlOf(config: EtlConfig, entry: CatalogEntry, scheme: 'http' | 'https' = 'http'): string {
  if (!entry.url) return '';
  return `${scheme}://${config.bindHost}:${portValue(config, entry.url.setting)}${entry.url.path ?? ''}`;
}
