import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { EtlError } from '../errors';
import { LOCAL_PROFILE, PROFILE_FILE, parseProfileFile, type Profile, type ServiceMode } from './schema';

/** The settings of .env that place the local (native or compose) services: today's behaviour. */
export interface LocalEndpoints {
  bindHost: string;
  minioApiPort: number;
  region: string;
  buckets: { rawzone: string; gold: string };
  sparkMasterPort: number;
  sparkMasterUiPort: number;
  esPort: number;
  airflowPort: number;
  /** MINIO_CERTS_DIR: the local MinIO serves TLS with public.crt/private.key from it; clients trust CAs/ca.crt. */
  minioCertsDir?: string;
  /** ES_CERTS_DIR: the native Elasticsearch serves HTTPS (same layout as MINIO_CERTS_DIR). */
  esCertsDir?: string;
  /** ES_USERNAME + ES_PASSWORD set: the native Elasticsearch runs with security, that user a superuser. */
  esAuth?: boolean;
  /** AIRFLOW_USERNAME + AIRFLOW_PASSWORD set: the native Airflow signs that user in, nobody else. */
  airflowAuth?: boolean;
}

/** The variables of .env that switch authentication on for the local services (their values are secrets). */
export const LOCAL_AUTH_ENV = {
  esUsername: 'ES_USERNAME', esPassword: 'ES_PASSWORD', airflowUsername: 'AIRFLOW_USERNAME',
  airflowPassword: 'AIRFLOW_PASSWORD',
} as const;

export interface ResolvedS3 {
  mode: ServiceMode;
  /** scheme://host:port, no path. */
  endpoint: string;
  secure: boolean;
  host: string;
  port: number;
  /** An absolute path to the PEM bundle to trust, or undefined: the system's CAs. */
  caFile?: string;
  pathStyle: boolean;
  region: string;
  buckets: { rawzone: string; gold: string };
  /** The environment variables holding the key (external only); the values never live here. */
  accessKeyEnv?: string;
  secretKeyEnv?: string;
}

export interface ResolvedSpark {
  mode: ServiceMode;
  masterUrl: string;
  uiUrl?: string;
  driverHost?: string;
  driverBindAddress?: string;
  driverPort?: number;
  blockManagerPort?: number;
}

export interface ResolvedElasticsearch {
  mode: ServiceMode;
  /** scheme://host:port. */
  url: string;
  /** An absolute path to the PEM bundle to trust, or undefined: the system's CAs. */
  caFile?: string;
  /** The environment variables holding the credentials (basic auth, or an API key); the values never live here. */
  usernameEnv?: string;
  passwordEnv?: string;
  apiKeyEnv?: string;
}

export interface ResolvedAirflow {
  mode: ServiceMode;
  url: string;
  /** The environment variables holding the credentials (user and password, or a token); never the values. */
  usernameEnv?: string;
  passwordEnv?: string;
  tokenEnv?: string;
}

/** Where the transform and Airflow send lineage events besides their files: a server, or none (local). */
export interface ResolvedLineage {
  mode: ServiceMode;
  url?: string;
  /** The environment variable holding the server's API key; never the value. */
  apiKeyEnv?: string;
}

export interface ResolvedProfile {
  name: string;
  /** The profile file (ETL_PROFILES_FILE, else <root>/etl-profiles.json), whether it exists or not. */
  file: string;
  description?: string;
  s3: ResolvedS3;
  spark: ResolvedSpark;
  elasticsearch: ResolvedElasticsearch;
  airflow: ResolvedAirflow;
  lineage: ResolvedLineage;
}

export type Values = Record<string, string | undefined>;

/** Where the profile file is: ETL_PROFILES_FILE (relative to the root), else <root>/etl-profiles.json. */
export function profileFilePath(root: string, values: Values): string {
  const named = values.ETL_PROFILES_FILE?.trim();
  return named ? resolve(root, named) : join(root, PROFILE_FILE);
}

/** The profiles of the file (none when it does not exist), validated. */
export function readProfiles(file: string): Record<string, Profile> {
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new EtlError(`${file} is not valid JSON (${(error as Error).message})`,
      'fix the file (see README "Run against your cluster")');
  }
  return parseProfileFile(raw, file);
}

/** ETL_PROFILE (the environment wins over .env); empty: `local`. */
export function activeProfileName(values: Values): string {
  return values.ETL_PROFILE?.trim() || LOCAL_PROFILE;
}

/** The active profile with every endpoint resolved; fails with the file and the name when it is unknown. */
export function resolveProfile(root: string, values: Values, local: LocalEndpoints): ResolvedProfile {
  const name = activeProfileName(values);
  const file = profileFilePath(root, values);
  const implicit = { ...localProfile(root, local), file };
  if (name === LOCAL_PROFILE) return implicit;
  if (!existsSync(file)) {
    throw new EtlError(`ETL_PROFILE=${name}, but the profile file ${file} does not exist`,
      `create it (see README "Run against your cluster") or run \`etl profile use ${LOCAL_PROFILE}\``);
  }
  const profiles = readProfiles(file);
  const profile = profiles[name];
  if (!profile) {
    throw new EtlError(`ETL_PROFILE=${name}, but ${file} has no profile "${name}"`,
      `known: ${[LOCAL_PROFILE, ...Object.keys(profiles)].join(', ')} (\`etl profile list\`)`);
  }
  return applyProfile(root, name, file, profile, implicit);
}

function applyProfile(
  root: string, name: string, file: string, profile: Profile, implicit: Omit<ResolvedProfile, 'file'>,
): ResolvedProfile {
  const { s3, spark, elasticsearch: es, airflow, lineage } = profile;
  return {
    name,
    file,
    description: profile.description,
    s3: s3.mode === 'external' ? externalS3(root, file, name, s3, implicit.s3) : { ...implicit.s3, mode: s3.mode },
    spark: spark.mode === 'external'
      ? {
        mode: 'external', masterUrl: spark.masterUrl as string, uiUrl: spark.uiUrl, driverHost: spark.driverHost,
        driverBindAddress: spark.driverBindAddress, driverPort: spark.driverPort,
        blockManagerPort: spark.blockManagerPort,
      }
      : { ...implicit.spark, mode: spark.mode },
    elasticsearch: es.mode === 'external'
      ? externalEs(root, file, name, es)
      : { ...implicit.elasticsearch, mode: es.mode },
    airflow: airflow.mode === 'external'
      ? {
        mode: 'external', url: withoutSlash(airflow.url as string), usernameEnv: airflow.usernameEnv,
        passwordEnv: airflow.passwordEnv, tokenEnv: airflow.tokenEnv,
      }
      : { ...implicit.airflow, mode: airflow.mode },
    lineage: lineage.mode === 'external'
      ? { mode: 'external', url: withoutSlash(lineage.url as string), apiKeyEnv: lineage.apiKeyEnv }
      : { mode: lineage.mode },
  };
}

const withoutSlash = (url: string) => url.replace(/\/+$/, '');

/** A profile's caFile, absolute (relative to the project root), checked to exist and to go with https. */
function caFileOf(root: string, file: string, name: string, field: string, caFile: string | undefined,
  url: string): string | undefined {
  const absolute = caFile ? (isAbsolute(caFile) ? caFile : resolve(root, caFile)) : undefined;
  const service = field.split('.')[0];
  if (absolute && !existsSync(absolute)) {
    throw new EtlError(`${file}: profile "${name}" ${field} ${absolute} does not exist`,
      `point caFile at the PEM file of the CA that signed the ${service} endpoint's certificate`);
  }
  if (absolute && !url.startsWith('https:')) {
    throw new EtlError(`${file}: profile "${name}" ${field} is set but ${url} is plain http`,
      'use the https:// URL, or remove caFile');
  }
  return absolute;
}

function externalEs(root: string, file: string, name: string, es: Profile['elasticsearch']): ResolvedElasticsearch {
  const url = withoutSlash(es.url as string);
  if (es.apiKeyEnv && (es.usernameEnv || es.passwordEnv)) {
    throw new EtlError(`${file}: profile "${name}" elasticsearch sets both apiKeyEnv and usernameEnv/passwordEnv`,
      'keep one: an API key, or a user and its password');
  }
  if (Boolean(es.usernameEnv) !== Boolean(es.passwordEnv)) {
    throw new EtlError(`${file}: profile "${name}" elasticsearch sets only one of usernameEnv and passwordEnv`,
      'basic auth needs both (or use apiKeyEnv)');
  }
  return {
    mode: 'external', url, caFile: caFileOf(root, file, name, 'elasticsearch.caFile', es.caFile, url),
    usernameEnv: es.usernameEnv, passwordEnv: es.passwordEnv, apiKeyEnv: es.apiKeyEnv,
  };
}

function externalS3(
  root: string, file: string, name: string, s3: Profile['s3'], local: ResolvedS3,
): ResolvedS3 {
  const url = new URL(s3.endpoint as string);
  const secure = url.protocol === 'https:';
  const caFile = caFileOf(root, file, name, 's3.caFile', s3.caFile, s3.endpoint as string);
  return {
    mode: 'external',
    endpoint: `${url.protocol}//${url.host}`,
    secure,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    caFile,
    pathStyle: (s3.addressing ?? 'path') === 'path',
    region: s3.region ?? local.region,
    buckets: { rawzone: s3.buckets?.rawzone ?? local.buckets.rawzone, gold: s3.buckets?.gold ?? local.buckets.gold },
    accessKeyEnv: s3.accessKeyEnv,
    secretKeyEnv: s3.secretKeyEnv,
  };
}

/** Today's behaviour: every service on ETL_BIND_HOST with the ports of .env. */
export function localProfile(root: string, local: LocalEndpoints): Omit<ResolvedProfile, 'file'> {
  const host = local.bindHost;
  const certs = local.minioCertsDir ? resolve(root, local.minioCertsDir) : undefined;
  const ca = certs ? join(certs, 'CAs', 'ca.crt') : undefined;
  const secure = certs !== undefined;
  return {
    name: LOCAL_PROFILE,
    s3: {
      mode: 'local',
      endpoint: `${secure ? 'https' : 'http'}://${host}:${local.minioApiPort}`,
      secure,
      host,
      port: local.minioApiPort,
      caFile: ca && existsSync(ca) ? ca : undefined,
      pathStyle: true,
      region: local.region,
      buckets: { ...local.buckets },
    },
    spark: {
      mode: 'local',
      masterUrl: `spark://${host}:${local.sparkMasterPort}`,
      uiUrl: `http://${host}:${local.sparkMasterUiPort}`,
    },
    elasticsearch: localEs(root, local),
    lineage: { mode: 'local' },
    airflow: {
      mode: 'local',
      url: `http://${host}:${local.airflowPort}`,
      ...(local.airflowAuth
        ? { usernameEnv: LOCAL_AUTH_ENV.airflowUsername, passwordEnv: LOCAL_AUTH_ENV.airflowPassword }
        : {}),
    },
  };
}

/** The native Elasticsearch: plain http without users (today's default), or HTTPS and a user when .env says so. */
function localEs(root: string, local: LocalEndpoints): ResolvedElasticsearch {
  const certs = local.esCertsDir ? resolve(root, local.esCertsDir) : undefined;
  const ca = certs ? join(certs, 'CAs', 'ca.crt') : undefined;
  return {
    mode: 'local',
    url: `${certs ? 'https' : 'http'}://${local.bindHost}:${local.esPort}`,
    caFile: ca && existsSync(ca) ? ca : undefined,
    ...(local.esAuth ? { usernameEnv: LOCAL_AUTH_ENV.esUsername, passwordEnv: LOCAL_AUTH_ENV.esPassword } : {}),
  };
}

/** The services a step's driver must reach that the profile places outside this machine's stack. */
export function externalStepServices(profile: ResolvedProfile): string[] {
  return [
    ...(profile.s3.mode === 'external' ? [`S3 (${profile.s3.endpoint})`] : []),
    ...(profile.spark.mode === 'external' ? [`the Spark master (${profile.spark.masterUrl})`] : []),
  ];
}

/** A secret named by a profile: the process environment, else .env (mode 600); never the profile file. */
export function secretFrom(name: string | undefined, values: Values, env: NodeJS.ProcessEnv): string | undefined {
  if (!name) return undefined;
  return env[name] || values[name] || undefined;
}
