import { cpSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OPTIONAL_SERVICES, type EtlConfig } from '../config';
import { lineageServerEnv } from '../lineage/server';
import { locateRuntimes, requireRuntime } from '../runtimes';
import { endpointOf } from '../s3/client';
import { previewRoot, previewSocket } from '../preview/folders';
import { answersOk, fetchJson, portAnswers, socketAnswers } from './health';
import type { DaemonSpec } from './processes';
import { esClusterHealthy } from '../elasticsearch/client';
import { airflowAuthEnv, esCertsDir, esSecuritySettings } from './localAuth';
import { beforeShipperStop, requireShipper, shipperRunning, writeShipperConfig } from './logShipper';
import { catalogEntry, NATIVE_CATALOG, portsOf, portValue, urlOf, type CatalogEntry, type NativeName } from './catalog';

/** The native services (catalog.ts), in the catalog's order. */
export const SERVICE_NAMES = NATIVE_CATALOG.map((e) => e.name) as readonly ServiceName[];
export type ServiceName = NativeName;

/** A service of the native stack: how to start it, which ports it takes, how to tell it is healthy. */
export interface NativeService {
  name: ServiceName;
  title: string;
  /** The UI (or API) a user opens. */
  url: string;
  /** Every port it binds, with the .env setting that chooses it. */
  ports: { port: number; setting: string }[];
  /** Seconds to wait for health after start. */
  startTimeoutSeconds: number;
  /** Its start wave (catalog.ts): the second starts once the first is healthy. */
  wave: 1 | 2;
  daemon(): DaemonSpec;
  healthy(): Promise<boolean>;
  /** Runs before `etl stop`/`down` signals the daemon. */
  beforeStop?(): Promise<void>;
  /** Its daemon restarts its own processes and logs each restart (Airflow's supervisor): `etl status` names them. */
  supervised?: boolean;
}

interface SparkMasterJson {
  status?: string;
  aliveworkers?: number;
  workers?: { state: string; webuiaddress: string; cores: number; coresused?: number; memory: number }[];
}

export function sparkMasterJson(config: EtlConfig): Promise<SparkMasterJson | undefined> {
  return fetchJson<SparkMasterJson>(probeUrl(config, nativeEntry('spark-master')));
}

type NativeEntry = CatalogEntry & { native: NonNullable<CatalogEntry['native']> };

/** The catalog's row of a native service. */
function nativeEntry(name: ServiceName): NativeEntry {
  return catalogEntry(name) as NativeEntry;
}

/** What the catalog says of a native service: name, title, URL, ports, start timeout and wave. */
function fromCatalog(config: EtlConfig, entry: NativeEntry, scheme: 'http' | 'https' = 'http') {
  return {
    name: entry.name as ServiceName,
    title: entry.title,
    url: urlOf(config, entry, scheme),
    ports: portsOf(config, entry, 'native'),
    startTimeoutSeconds: entry.native.startTimeoutSeconds,
    wave: entry.native.wave,
  };
}

/** The URL of a native service's HTTP health probe (catalog.ts): its port on the bind host, its path. */
function probeUrl(config: EtlConfig, entry: NativeEntry): string {
  const { port, path } = entry.native.health;
  return `http://${config.bindHost}${port ? `:${portValue(config, port)}` : ''}${path ?? ''}`;
}

/** The leading arguments of a native command (catalog.ts): everything after the program. */
const fixedArgs = (entry: NativeEntry) => entry.native.command.slice(1);

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'JAVA_HOME', 'TMPDIR', 'USER'];
  return Object.fromEntries(keep.filter((k) => process.env[k]).map((k) => [k, process.env[k] as string]));
}

function logFile(config: EtlConfig, name: string): string {
  mkdirSync(config.paths.serviceLogs, { recursive: true });
  return join(config.paths.serviceLogs, `${name}.log`);
}

function minio(config: EtlConfig): NativeService {
  const { bindHost: host, minio: m } = config;
  const entry = nativeEntry('minio');
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const data = join(config.paths.data, 'minio');
      mkdirSync(data, { recursive: true });
      return {
        service: 'minio',
        file: requireRuntime(locateRuntimes(config.paths.root, config.paths.cache).minio, 'The MinIO server'),
        args: [
          ...fixedArgs(entry), data,
          '--address', `${host}:${m.apiPort}`, '--console-address', `${host}:${m.consolePort}`,
          // MINIO_CERTS_DIR: MinIO serves TLS when public.crt and private.key are there.
          ...(config.minio.certsDir ? ['--certs-dir', resolve(config.paths.root, config.minio.certsDir)] : []),
        ],
        env: {
          ...baseEnv(),
          MINIO_ROOT_USER: m.rootUser,
          MINIO_ROOT_PASSWORD: m.rootPassword,
          MINIO_REGION: m.region,
          MINIO_UPDATE: 'off',
        },
        cwd: config.paths.state,
        logFile: logFile(config, 'minio'),
      };
    },
    // The S3 endpoint: MINIO_API_PORT, https when MINIO_CERTS_DIR is set.
    healthy: () => answersOk(`${endpointOf(config)}${entry.native.health.path}`, 2_000, config.profile.s3.caFile),
  };
}

function sparkEnv(config: EtlConfig, sparkHome: string, python: string): Record<string, string> {
  const conf = join(config.paths.state, 'spark', 'conf');
  mkdirSync(conf, { recursive: true });
  return {
    ...baseEnv(),
    SPARK_HOME: sparkHome,
    // Binds the RPC endpoints and the web UIs to loopback, not 0.0.0.0.
    SPARK_LOCAL_IP: config.bindHost,
    SPARK_CONF_DIR: conf,
    // Made here: a worker whose first executor finds it missing fails "No subfolder can be created in .".
    SPARK_LOCAL_DIRS: ensureDir(join(config.paths.state, 'spark', 'local')),
    SPARK_DAEMON_MEMORY: '512m',
    // A taken port fails the daemon instead of Spark quietly moving to the next one (a second
    // master on 7078/8081 that no pid file, status or down knows about).
    SPARK_DAEMON_JAVA_OPTS: '-Dspark.port.maxRetries=0',
    PYSPARK_PYTHON: python,
  };
}

function sparkMaster(config: EtlConfig): NativeService {
  const { bindHost: host, spark } = config;
  const entry = nativeEntry('spark-master');
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const runtimes = locateRuntimes(config.paths.root, config.paths.cache);
      const sparkClass = requireRuntime(join(runtimes.sparkHome, 'bin', 'spark-class'), 'PySpark (spark-class)');
      return {
        service: 'spark-master',
        file: sparkClass,
        args: [
          ...fixedArgs(entry),
          '--host',
          host,
          '--port',
          String(spark.masterPort),
          '--webui-port',
          String(spark.masterUiPort),
        ],
        env: sparkEnv(config, runtimes.sparkHome, runtimes.python),
        cwd: config.paths.state,
        logFile: logFile(config, 'spark-master'),
      };
    },
    healthy: async () => (await sparkMasterJson(config))?.status === 'ALIVE',
  };
}

function sparkWorker(config: EtlConfig, index: 1 | 2): NativeService {
  const { bindHost: host, spark } = config;
  const name = `spark-worker-${index}` as const;
  const entry = nativeEntry(name);
  const uiPort = spark.workerUiPorts[index - 1];
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const runtimes = locateRuntimes(config.paths.root, config.paths.cache);
      const sparkClass = requireRuntime(join(runtimes.sparkHome, 'bin', 'spark-class'), 'PySpark (spark-class)');
      const workDir = join(config.paths.state, 'spark', name);
      mkdirSync(workDir, { recursive: true });
      return {
        service: name,
        file: sparkClass,
        args: [
          ...fixedArgs(entry),
          '--host',
          host,
          '--webui-port',
          String(uiPort),
          '--cores',
          String(spark.workerCores),
          '--memory',
          spark.workerMemory,
          '--work-dir',
          workDir,
          `spark://${host}:${spark.masterPort}`,
        ],
        env: sparkEnv(config, runtimes.sparkHome, runtimes.python),
        cwd: config.paths.state,
        logFile: logFile(config, name),
      };
    },
    // Healthy means registered with the master and ALIVE there, not merely running.
    healthy: async () =>
      ((await sparkMasterJson(config))?.workers ?? []).some(
        (w) => w.state === 'ALIVE' && w.webuiaddress.endsWith(`:${uiPort}`),
      ),
  };
}

/** Where every spark-submit writes its event log (etl.submit: <state>/spark/events), read by the History Server. */
export function sparkEventsDir(config: EtlConfig): string {
  return join(config.paths.state, 'spark', 'events');
}

/**
 * The Spark History Server: the UI of every finished transform (the driver's :4040 closes with it),
 * rebuilt from the event logs. Light (one JVM at 512 MB): it always runs with Spark.
 */
function sparkHistory(config: EtlConfig): NativeService {
  const { spark } = config;
  const entry = nativeEntry('spark-history');
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const runtimes = locateRuntimes(config.paths.root, config.paths.cache);
      const sparkClass = requireRuntime(join(runtimes.sparkHome, 'bin', 'spark-class'), 'PySpark (spark-class)');
      const events = ensureDir(sparkEventsDir(config));
      const options = {
        'spark.history.fs.logDirectory': `file://${events}`,
        'spark.history.ui.port': String(spark.historyUiPort),
        // A finished run shows within seconds, not after the default 10 s scan.
        'spark.history.fs.update.interval': '2s',
      };
      return {
        service: 'spark-history',
        file: sparkClass,
        args: [...fixedArgs(entry)],
        env: {
          ...sparkEnv(config, runtimes.sparkHome, runtimes.python),
          SPARK_HISTORY_OPTS: Object.entries(options).map(([k, v]) => `-D${k}=${v}`).join(' '),
        },
        cwd: config.paths.state,
        logFile: logFile(config, 'spark-history'),
      };
    },
    healthy: () => answersOk(probeUrl(config, entry)),
  };
}

/**
 * The dev session (`etl up --with dev`, or the first `etl preview`): a Spark session in local mode with Spark's
 * Connect server inside, and its warm preview runner (src/etl/dev/server.py, worker.py). Local mode: it holds no
 * executor on the workers, so a real transform started meanwhile gets both. Python imports the working tree.
 */
function sparkConnect(config: EtlConfig): NativeService {
  const { bindHost: host } = config;
  const entry = nativeEntry('spark-connect');
  const grpcPort = portValue(config, entry.native.health.port ?? 'SPARK_CONNECT_PORT');
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const runtimes = locateRuntimes(config.paths.root, config.paths.cache);
      const python = requireRuntime(runtimes.python, 'The project Python venv');
      return {
        service: 'spark-connect',
        file: python,
        args: [...fixedArgs(entry), '--preview-dir', previewRoot(config)],
        env: {
          ...baseEnv(),
          // Settings given to `etl up` in the environment (ports, a second stack's) reach the session.
          ...config.overrides,
          PYTHONPATH: join(config.paths.root, 'src'),
          PYTHONUNBUFFERED: '1',
          ETL_PROJECT_ROOT: config.paths.root,
          SPARK_LOCAL_DIRS: ensureDir(join(config.paths.state, 'spark', 'dev-local')),
        },
        cwd: config.paths.state,
        logFile: logFile(config, 'spark-connect'),
      };
    },
    // Its gRPC port answers once the Connect server runs; its preview runner's socket once that is warm.
    healthy: async () => (await portAnswers(host, grpcPort)) && socketAnswers(previewSocket(config)),
  };
}

/** ES refuses to run as root: as root we run it as `nobody`, allowed to read our root-owned files. */
function asUnprivilegedWhenRoot(file: string, args: string[]): { file: string; args: string[] } {
  if (process.getuid?.() !== 0) return { file, args };
  const caps = '+dac_override,+dac_read_search';
  return {
    file: 'setpriv',
    // no_setuid_fixup keeps the capabilities for access(2) checks, which Java makes before opening jars.
    args: [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--securebits=+no_setuid_fixup',
      `--inh-caps=${caps}`,
      `--ambient-caps=${caps}`,
      file,
      ...args,
    ],
  };
}

export function javaHome(): string {
  if (process.env.JAVA_HOME) return process.env.JAVA_HOME;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const java = join(dir, 'java');
    if (existsSync(java)) return dirname(dirname(realpathSync(java)));
  }
  return '';
}

function elasticsearch(config: EtlConfig): NativeService {
  const { bindHost: host, elasticsearch: es } = config;
  const certs = esCertsDir(config);
  const entry = nativeEntry('elasticsearch');
  return {
    ...fromCatalog(config, entry, certs ? 'https' : 'http'),
    daemon() {
      const home = locateRuntimes(config.paths.root, config.paths.cache).elasticsearchHome;
      const bin = requireRuntime(join(home, 'bin', 'elasticsearch'), 'Elasticsearch');
      const state = join(config.paths.state, 'elasticsearch');
      const confDir = join(state, 'config');
      // ES writes its keystore into the config folder: keep a copy in our state, not in the shared cache.
      if (!existsSync(confDir)) cpSync(join(home, 'config'), confDir, { recursive: true });
      const settings: Record<string, string> = {
        'cluster.name': 'etl-spark',
        'node.name': 'etl-es',
        'discovery.type': 'single-node',
        'path.data': join(state, 'data'),
        'path.logs': join(state, 'logs'),
        'http.host': host,
        'http.port': String(es.port),
        'transport.host': host,
        'transport.port': String(es.transportPort),
        // Loopback-only development node: no TLS or users, as in the compose stack, unless .env turns them on.
        ...esSecuritySettings(config, confDir, certs),
        // A laptop disk is often over ES's 90% watermark: then no new index gets a shard and
        // every write hangs. One dev node has nowhere to move shards anyway.
        'cluster.routing.allocation.disk.threshold_enabled': 'false',
      };
      const command = asUnprivilegedWhenRoot(bin, Object.entries(settings).flatMap(([k, v]) => ['-E', `${k}=${v}`]));
      return {
        service: 'elasticsearch',
        ...command,
        env: {
          ...baseEnv(),
          ES_JAVA_HOME: javaHome(),
          ES_PATH_CONF: confDir,
          // ES unpacks native libraries into a temp folder: keep it in our state, not /tmp.
          ES_TMPDIR: ensureDir(join(state, 'tmp')),
          ES_JAVA_OPTS: `-Xms${es.heap} -Xmx${es.heap}`,
        },
        cwd: config.paths.state,
        logFile: logFile(config, 'elasticsearch'),
      };
    },
    healthy: () => esClusterHealthy(config),
  };
}

interface AirflowHealth {
  metadatabase?: { status?: string };
  scheduler?: { status?: string };
}

/** Airflow (DAG processor, scheduler, API server) on the project's dags/, see scripts/airflow-native.sh. */
function airflow(config: EtlConfig): NativeService {
  const { bindHost: host, airflowPort: port } = config;
  const entry = nativeEntry('airflow');
  return {
    ...fromCatalog(config, entry),
    supervised: true,
    daemon() {
      const runtimes = locateRuntimes(config.paths.root, config.paths.cache);
      const home = join(config.paths.state, 'airflow');
      mkdirSync(home, { recursive: true });
      return {
        service: 'airflow',
        file: join(config.paths.root, entry.native.command[0]),
        args: [...fixedArgs(entry)],
        env: {
          ...baseEnv(),
          // Settings given to `etl up` in the environment reach the tasks (the ETL reads .env itself).
          ...config.overrides,
          PATH: `${dirname(requireRuntime(runtimes.airflow, 'Apache Airflow'))}:${process.env.PATH ?? ''}`,
          AIRFLOW_HOME: home,
          AIRFLOW__CORE__DAGS_FOLDER: join(config.paths.root, 'dags'),
          AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
          AIRFLOW__CORE__EXECUTOR: 'LocalExecutor',
          AIRFLOW__API__HOST: host,
          AIRFLOW__API__PORT: String(port),
          // Task runners report to the execution API under this URL (default: localhost:8080, the Spark UI here).
          AIRFLOW__API__BASE_URL: `http://${host}:${port}`,
          ...airflowAuthEnv(config, home),
          // Tokens for the REST API (/auth/token) need an issuer: Airflow 3.1.3 leaves it unset.
          AIRFLOW__API_AUTH__JWT_ISSUER: 'etl-spark',
          ETL_PROJECT_ROOT: config.paths.root,
          ETL_PYTHON: runtimes.python,
          // The OpenLineage provider's event files (scripts/airflow-native.sh), beside the transform's, and the
          // profile's lineage server.
          ETL_AIRFLOW_LINEAGE_DIR: join(config.paths.lineage, 'airflow'),
          ...lineageServerEnv(config),
        },
        cwd: config.paths.state,
        logFile: logFile(config, 'airflow'),
      };
    },
    healthy: async () => {
      const health = await fetchJson<AirflowHealth>(probeUrl(config, entry));
      return health?.metadatabase?.status === 'healthy' && health?.scheduler?.status === 'healthy';
    },
  };
}

/**
 * rsyslogd (Debian's rsyslog + rsyslog-elasticsearch) shipping ETL_logs/*.log into Elasticsearch,
 * in the foreground (-n) with its own configuration, work directory and pid file under the state
 * folder: not /etc/rsyslog.conf, not the system daemon, no socket or port of its own (runs as any user).
 */
function logShipper(config: EtlConfig): NativeService {
  const entry = nativeEntry('log-shipper');
  return {
    ...fromCatalog(config, entry),
    daemon() {
      const rsyslogd = requireShipper();
      const log = logFile(config, 'log-shipper');
      const files = writeShipperConfig(config, log);
      return {
        service: 'log-shipper',
        file: rsyslogd,
        args: [...fixedArgs(entry), '-f', files.config, '-i', files.pid],
        env: baseEnv(),
        cwd: config.paths.state,
        logFile: log,
      };
    },
    healthy: async () => shipperRunning(config),
    beforeStop: () => beforeShipperStop(config),
  };
}

/**
 * The services `etl up` starts, in start order. What the active profile places elsewhere (an external
 * S3 or Spark) is never started nor stopped here.
 */
export function nativeServices(config: EtlConfig, withOptional: string[] = []): NativeService[] {
  const { s3, spark, elasticsearch: es, airflow: af } = config.profile;
  const services: NativeService[] = [];
  if (s3.mode !== 'external') services.push(minio(config));
  if (spark.mode !== 'external') {
    services.push(sparkMaster(config), sparkWorker(config, 1), sparkWorker(config, 2), sparkHistory(config));
  }
  if (withOptional.includes('dev')) services.push(sparkConnect(config));
  const localEs = withOptional.includes('elasticsearch') && es.mode !== 'external';
  if (localEs) services.push(elasticsearch(config));
  if (withOptional.includes('airflow') && af.mode !== 'external') services.push(airflow(config));
  // Whenever Elasticsearch runs, the ETL's logs reach it, signed in as .env's ES_USERNAME (the password in the
  // shipper's mode-600 configuration). Over HTTPS (ES_CERTS_DIR) it gets none: rsyslog would need the CA too.
  if (localEs && !esCertsDir(config)) services.push(logShipper(config));
  return services;
}

/** Every service the native stack knows, for status and down. */
export const allNativeServices = (config: EtlConfig) => nativeServices(config, [...OPTIONAL_SERVICES]);
