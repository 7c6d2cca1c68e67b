import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ENV_CONTRACT } from './contract';
import { EtlError } from './errors';
import { STACK_MODE_SETTINGS, type StackModeSetting } from './stack/backend';
import { defaultStackModeSetting, hostPlatform } from './stack/platformSupport';
import { defaultCacheDir, projectPaths, type ProjectPaths } from './paths';
import { LOCAL_AUTH_ENV, resolveProfile, secretFrom, type ResolvedProfile } from './profiles';

/**
 * Optional services, started only when asked for: natively Elasticsearch and Airflow (compose
 * always runs both); `elk` (Logstash, Kibana, Filebeat) exists only in the compose stack; `dev` is the
 * dev session (a Spark Connect server for `etl preview`), in both.
 */
export const OPTIONAL_SERVICES = ['elasticsearch', 'airflow', 'elk', 'dev'] as const;
export type OptionalService = (typeof OPTIONAL_SERVICES)[number];

export interface EtlConfig {
  bindHost: string;
  minio: {
    apiPort: number;
    consolePort: number;
    /** Administers MinIO: creates the buckets and the ETL's user. */
    rootUser: string;
    rootPassword: string;
    /** The ETL's own key, limited to the two buckets: extract, transform, the extension. */
    accessKey: string;
    secretKey: string;
    region: string;
    /** MINIO_CERTS_DIR: the native MinIO serves TLS (public.crt, private.key; clients trust CAs/ca.crt). */
    certsDir?: string;
  };
  buckets: { rawzone: string; gold: string };
  spark: {
    masterPort: number;
    masterUiPort: number;
    workerUiPorts: [number, number];
    workerCores: number;
    workerMemory: string;
    executorMemory: string;
    driverMemory: string;
    /** The Spark History Server's UI (SPARK_HISTORY_UI_PORT): finished applications from their event logs. */
    historyUiPort: number;
    /** The dev session (`etl preview`): the Spark Connect server's gRPC port and its Spark UI. */
    connectPort: number;
    connectUiPort: number;
  };
  elasticsearch: {
    port: number;
    transportPort: number;
    heap: string;
    /** ES_CERTS_DIR: the native Elasticsearch serves HTTPS (public.crt, private.key; clients trust CAs/ca.crt). */
    certsDir?: string;
  };
  kibanaPort: number;
  airflowPort: number;
  stackWith: OptionalService[];
  /** ETL_STACK_MODE: which stack `etl up|down|status|start|stop` (and the ETL steps) use unless told. */
  stackMode: StackModeSetting;
  paths: ProjectPaths;
  /**
   * The active profile (ETL_PROFILE, etl-profiles.json): where each service is. `local` (the default) is
   * .env's endpoints; an external S3 profile's key, region and buckets are already in `minio` and `buckets`.
   */
  profile: ResolvedProfile;
  /** What the active profile lacks to reach S3 (a secret variable not set), said when S3 is used. */
  profileProblem?: string;
  /**
   * The value of a secret variable the profile names (elasticsearch.passwordEnv, airflow.tokenEnv …): the
   * process environment, else .env. A function, so the values stay out of anything that prints the config.
   */
  secretOf?: (name: string | undefined) => string | undefined;
  /** Settings given in the process environment (they win over .env); passed on to the services' jobs. */
  overrides: Record<string, string>;
}

export type RawEnv = Record<string, string | undefined>;

/** A secret variable's value through the config (environment, then .env), else the process environment alone. */
export const secretOf = (config: EtlConfig, name: string): string | undefined =>
  config.secretOf?.(name) ?? process.env[name];

/**
 * Reads `.env` (copied from `.env.example` on first run) with the process
 * environment taking precedence, and validates every value.
 */
export function loadConfig(root: string, env: NodeJS.ProcessEnv = process.env): EtlConfig {
  const { values, overrides } = readEnvFiles(root, env);
  const cache = values.ETL_CACHE_DIR || defaultCacheDir(env);
  return { ...parseConfig(values, projectPaths(root, cache, values.ETL_STATE_DIR || undefined, env), env), overrides };
}

/** `.env` holds MinIO's root password: only its owner may read it. */
export const ENV_FILE_MODE = 0o600;

/** The passwords .env.example shows as placeholders: each new `.env` gets its own, never the published one. */
export const GENERATED_SECRETS = [
  'MINIO_ROOT_PASSWORD', 'MINIO_SECRET_KEY', 'ES_PASSWORD', 'AIRFLOW_PASSWORD',
] as const;

/** `.env.example`'s text with each GENERATED_SECRETS value replaced by 24 random URL-safe characters. */
export function withGeneratedSecrets(example: string): string {
  return GENERATED_SECRETS.reduce(
    (text, key) => text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${randomBytes(18).toString('base64url')}`),
    example,
  );
}

/**
 * Creates `.env` from `.env.example` with mode 600 when missing, its passwords generated. An existing `.env` that
 * group or others may read is fixed (chmod 600) rather than only warned about: it holds the
 * root password, and its owner keeps read and write. Returns whether the file was created.
 */
export function ensureEnvFile(root: string): boolean {
  const envFile = join(root, ENV_CONTRACT.file);
  if (existsSync(envFile)) {
    tightenEnvFile(envFile);
    return false;
  }
  try {
    // 'wx': created here with the mode from the start (no window with a readable file), never overwritten.
    const text = withGeneratedSecrets(readFileSync(join(root, ENV_CONTRACT.example), 'utf8'));
    writeFileSync(envFile, text, { mode: ENV_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
    return false; // another process created it meanwhile
  }
  chmodSync(envFile, ENV_FILE_MODE); // the umask may have removed bits, never added: this is exact
  return true;
}

function tightenEnvFile(envFile: string): void {
  const info = statSync(envFile);
  const isOwner = typeof process.getuid !== 'function' || info.uid === process.getuid();
  if ((info.mode & 0o077) !== 0 && isOwner) chmodSync(envFile, ENV_FILE_MODE);
}

/** Environment variables the Python jobs read besides .env keys (etl/config.py): ETL_BACKUP_DIR, ETL_LOG_DIR ... */
const OVERRIDE_PREFIXES: readonly string[] = ENV_CONTRACT.overridePrefixes;

/**
 * `.env` of the project, or the file ETL_ENV_FILE names, over `.env.example`, under the process
 * environment: the precedence of config/contract.json "env", which src/etl/config.py follows too.
 */
function readEnvFiles(root: string, env: NodeJS.ProcessEnv): { values: RawEnv; overrides: Record<string, string> } {
  const named = env[ENV_CONTRACT.fileVariable];
  const envFile = named || join(root, ENV_CONTRACT.file);
  if (!named) ensureEnvFile(root);
  if (!existsSync(envFile)) {
    throw new EtlError(`${ENV_CONTRACT.fileVariable} names ${envFile}, which does not exist`,
      `point it at a copy of ${ENV_CONTRACT.example}`);
  }
  const defaults = parse(readFileSync(join(root, ENV_CONTRACT.example)));
  const local = parse(readFileSync(envFile));
  const merged: RawEnv = { ...defaults, ...local };
  const overrides: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || !(key in merged || OVERRIDE_PREFIXES.some((p) => key.startsWith(p)))) continue;
    // As src/etl/config.py: a prefixed variable reaches the values too (ETL_PROFILES_FILE, MINIO_CERTS_DIR).
    merged[key] = value;
    overrides[key] = value;
  }
  return { values: merged, overrides };
}

export function parseConfig(values: RawEnv, paths: ProjectPaths, env: NodeJS.ProcessEnv = process.env): EtlConfig {
  const read = new EnvReader(values);
  const config: Omit<EtlConfig, 'profile'> = {
    bindHost: read.text('ETL_BIND_HOST'),
    minio: {
      apiPort: read.port('MINIO_API_PORT'),
      consolePort: read.port('MINIO_CONSOLE_PORT'),
      rootUser: read.text('MINIO_ROOT_USER'),
      rootPassword: read.secret('MINIO_ROOT_PASSWORD', 8),
      accessKey: read.text('MINIO_ACCESS_KEY'),
      secretKey: read.secret('MINIO_SECRET_KEY', 8),
      region: read.text('MINIO_REGION'),
      certsDir: values.MINIO_CERTS_DIR?.trim() || undefined,
    },
    buckets: { rawzone: read.bucket('RAWZONE_BUCKET'), gold: read.bucket('GOLD_BUCKET') },
    spark: {
      masterPort: read.port('SPARK_MASTER_PORT'),
      masterUiPort: read.port('SPARK_MASTER_UI_PORT'),
      workerUiPorts: [read.port('SPARK_WORKER_1_UI_PORT'), read.port('SPARK_WORKER_2_UI_PORT')],
      workerCores: read.positiveInt('SPARK_WORKER_CORES'),
      workerMemory: read.memory('SPARK_WORKER_MEMORY'),
      executorMemory: read.memory('SPARK_EXECUTOR_MEMORY'),
      driverMemory: read.memory('SPARK_DRIVER_MEMORY'),
      historyUiPort: read.port('SPARK_HISTORY_UI_PORT'),
      connectPort: read.port('SPARK_CONNECT_PORT'),
      connectUiPort: read.port('SPARK_CONNECT_UI_PORT'),
    },
    elasticsearch: {
      port: read.port('ES_PORT'),
      transportPort: read.port('ES_TRANSPORT_PORT'),
      heap: read.memory('ES_HEAP'),
      certsDir: values.ES_CERTS_DIR?.trim() || undefined,
    },
    kibanaPort: read.port('KIBANA_PORT'),
    airflowPort: read.port('AIRFLOW_PORT'),
    stackWith: read.optionalServices('ETL_STACK_WITH'),
    stackMode: read.choice('ETL_STACK_MODE', STACK_MODE_SETTINGS, defaultStackModeSetting(hostPlatform())),
    paths,
    overrides: {},
  };
  assertDistinctPorts(config);
  if (config.minio.accessKey === config.minio.rootUser) {
    throw new EtlError(
      'MINIO_ACCESS_KEY in .env is the same as MINIO_ROOT_USER',
      'give the ETL its own key: MinIO keeps the root user apart',
    );
  }
  return applyProfile(config, values, env);
}

/** The active profile over .env: an external S3 brings its own endpoint, region, buckets and key. */
function applyProfile(config: Omit<EtlConfig, 'profile'>, values: RawEnv, env: NodeJS.ProcessEnv): EtlConfig {
  const profile = resolveProfile(config.paths.root, values, {
    bindHost: config.bindHost, minioApiPort: config.minio.apiPort, region: config.minio.region,
    buckets: config.buckets, sparkMasterPort: config.spark.masterPort, sparkMasterUiPort: config.spark.masterUiPort,
    esPort: config.elasticsearch.port, airflowPort: config.airflowPort, minioCertsDir: config.minio.certsDir,
    esCertsDir: config.elasticsearch.certsDir,
    esAuth: bothSet(LOCAL_AUTH_ENV.esUsername, LOCAL_AUTH_ENV.esPassword, values, env),
    airflowAuth: bothSet(LOCAL_AUTH_ENV.airflowUsername, LOCAL_AUTH_ENV.airflowPassword, values, env),
  });
  const secretOf = (name: string | undefined) => secretFrom(name, values, env);
  if (profile.s3.mode !== 'external') return { ...config, profile, secretOf };
  const accessKey = secretFrom(profile.s3.accessKeyEnv, values, env);
  const secretKey = secretFrom(profile.s3.secretKeyEnv, values, env);
  const unset = [
    accessKey ? undefined : profile.s3.accessKeyEnv, secretKey ? undefined : profile.s3.secretKeyEnv,
  ].filter(Boolean);
  return {
    ...config,
    minio: { ...config.minio, accessKey: accessKey ?? '', secretKey: secretKey ?? '', region: profile.s3.region },
    buckets: { ...profile.s3.buckets },
    profile,
    secretOf,
    profileProblem: unset.length
      ? `profile "${profile.name}": S3 at ${profile.s3.endpoint} needs ${unset.join(' and ')}, not set in the `
        + 'environment nor in .env'
      : undefined,
  };
}

/** Both variables set (a user and its password): the local service runs with authentication. */
function bothSet(user: string, password: string, values: RawEnv, env: NodeJS.ProcessEnv): boolean {
  const set = [user, password].filter((name) => secretFrom(name, values, env));
  if (set.length === 1) {
    throw new EtlError(`${set[0]} is set but ${set[0] === user ? password : user} is not`,
      `set both in .env (authentication on for the local service) or neither (no authentication, loopback only)`);
  }
  return set.length === 2;
}

function assertDistinctPorts(config: Omit<EtlConfig, 'profile'>): void {
  const ports: Record<string, number> = {
    MINIO_API_PORT: config.minio.apiPort,
    MINIO_CONSOLE_PORT: config.minio.consolePort,
    SPARK_MASTER_PORT: config.spark.masterPort,
    SPARK_MASTER_UI_PORT: config.spark.masterUiPort,
    SPARK_WORKER_1_UI_PORT: config.spark.workerUiPorts[0],
    SPARK_WORKER_2_UI_PORT: config.spark.workerUiPorts[1],
    SPARK_HISTORY_UI_PORT: config.spark.historyUiPort,
    SPARK_CONNECT_PORT: config.spark.connectPort,
    SPARK_CONNECT_UI_PORT: config.spark.connectUiPort,
    ES_PORT: config.elasticsearch.port,
    ES_TRANSPORT_PORT: config.elasticsearch.transportPort,
    KIBANA_PORT: config.kibanaPort,
    AIRFLOW_PORT: config.airflowPort,
  };
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) throw new EtlError(`${key} and ${other} in .env are both ${port}`, 'give every service its own port');
    seen.set(port, key);
  }
}

/** Validating accessors: each error names the key, the bad value and a valid example. */
class EnvReader {
  constructor(private readonly values: RawEnv) {}

  text(key: string): string {
    const value = this.values[key]?.trim();
    if (!value) throw new EtlError(`${key} is empty or missing in .env`, `set it as in .env.example`);
    return value;
  }

  secret(key: string, minLength: number): string {
    const value = this.text(key);
    if (value.length < minLength) {
      throw new EtlError(
        `${key} in .env is shorter than ${minLength} characters`,
        'MinIO refuses shorter secrets; choose a longer one',
      );
    }
    return value;
  }

  port(key: string): number {
    return this.parsePort(key, this.text(key));
  }

  positiveInt(key: string): number {
    const raw = this.text(key);
    if (!/^[1-9]\d*$/.test(raw))
      throw new EtlError(`${key}=${raw} in .env is not a positive whole number`, `for example ${key}=1`);
    return Number(raw);
  }

  memory(key: string): string {
    const raw = this.text(key);
    if (!/^[1-9]\d*[mg]$/i.test(raw))
      throw new EtlError(
        `${key}=${raw} in .env is not a memory size`,
        `use a number with m or g, for example ${key}=2g`,
      );
    return raw.toLowerCase();
  }

  bucket(key: string): string {
    const raw = this.text(key);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(raw)) {
      throw new EtlError(
        `${key}=${raw} in .env is not a valid S3 bucket name`,
        'use 3-63 lowercase letters, digits, dots or hyphens',
      );
    }
    return raw;
  }

  /** One of `choices`; `fallback` when the key is empty or absent. */
  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const raw = (this.values[key] ?? '').trim();
    if (!raw) return fallback;
    if (!(choices as readonly string[]).includes(raw))
      throw new EtlError(`${key}=${raw} in .env is not one of ${choices.join(', ')}`, `for example ${key}=${fallback}`);
    return raw as T;
  }

  optionalServices(key: string): OptionalService[] {
    const names = (this.values[key] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const name of names) {
      if (!(OPTIONAL_SERVICES as readonly string[]).includes(name)) {
        throw new EtlError(
          `${key} in .env names an unknown service "${name}"`,
          `known: ${OPTIONAL_SERVICES.join(', ')}`,
        );
      }
    }
    return names as OptionalService[];
  }

  private parsePort(key: string, raw: string): number {
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
      throw new EtlError(`${key}=${raw} in .env is not a TCP port`, 'use a number from 1 to 65535');
    }
    return port;
  }
}
