import type { EtlConfig } from '../../config';
import type { ServiceState } from '../backend';

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

export function composeServices(config: EtlConfig): ComposeService[] {
  const host = config.bindHost;
  const at = (port: number) => `http://${host}:${port}`;
  const { minio, spark } = config;
  return [
    {
      name: 'minio',
      title: 'MinIO',
      url: at(minio.consolePort),
      ports: [
        { port: minio.apiPort, setting: 'MINIO_API_PORT' },
        { port: minio.consolePort, setting: 'MINIO_CONSOLE_PORT' },
      ],
    },
    {
      name: 'spark-master',
      title: 'Spark master',
      url: at(spark.masterUiPort),
      ports: [
        { port: spark.masterPort, setting: 'SPARK_MASTER_PORT' },
        { port: spark.masterUiPort, setting: 'SPARK_MASTER_UI_PORT' },
      ],
    },
    {
      name: 'spark-worker-1',
      title: 'Spark worker 1',
      url: at(spark.workerUiPorts[0]),
      ports: [{ port: spark.workerUiPorts[0], setting: 'SPARK_WORKER_1_UI_PORT' }],
    },
    {
      name: 'spark-worker-2',
      title: 'Spark worker 2',
      url: at(spark.workerUiPorts[1]),
      ports: [{ port: spark.workerUiPorts[1], setting: 'SPARK_WORKER_2_UI_PORT' }],
    },
    {
      name: 'spark-history',
      title: 'Spark History',
      url: at(spark.historyUiPort),
      ports: [{ port: spark.historyUiPort, setting: 'SPARK_HISTORY_UI_PORT' }],
    },
    {
      name: 'spark-connect',
      title: 'Spark Connect (dev session)',
      url: at(spark.connectUiPort),
      ports: [
        { port: spark.connectPort, setting: 'SPARK_CONNECT_PORT' },
        { port: spark.connectUiPort, setting: 'SPARK_CONNECT_UI_PORT' },
      ],
      profile: 'dev',
    },
    {
      name: 'elasticsearch',
      title: 'Elasticsearch',
      url: at(config.elasticsearch.port),
      ports: [{ port: config.elasticsearch.port, setting: 'ES_PORT' }],
    },
    {
      name: 'airflow',
      title: 'Airflow',
      url: at(config.airflowPort),
      ports: [{ port: config.airflowPort, setting: 'AIRFLOW_PORT' }],
    },
    { name: 'logstash', title: 'Logstash', url: '', ports: [], profile: 'elk' },
    {
      name: 'kibana',
      title: 'Kibana',
      url: at(config.kibanaPort),
      ports: [{ port: config.kibanaPort, setting: 'KIBANA_PORT' }],
      profile: 'elk',
    },
    { name: 'filebeat', title: 'Filebeat', url: '', ports: [], profile: 'elk' },
  ];
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
