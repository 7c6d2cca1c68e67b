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
}

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

export interface ResolvedProfile {
  name: string;
  /** The profile file (ETL_PROFILES_FILE, else <root>/etl-profiles.json), whether it exists or not. */
  file: string;
  description?: string;
  s3: ResolvedS3;
  spark: ResolvedSpark;
  elasticsearch: { mode: ServiceMode; url: string };
  airflow: { mode: ServiceMode; url: string };
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
  const { s3, spark, elasticsearch: es, airflow } = profile;
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
    elasticsearch: { mode: es.mode, url: es.mode === 'external' ? (es.url as string) : implicit.elasticsearch.url },
    airflow: { mode: airflow.mode, url: airflow.mode === 'external' ? (airflow.url as string) : implicit.airflow.url },
  };
}

function externalS3(
  root: string, file: string, name: string, s3: Profile['s3'], local: ResolvedS3,
): ResolvedS3 {
  const url = new URL(s3.endpoint as string);
  const secure = url.protocol === 'https:';
  const caFile = s3.caFile ? (isAbsolute(s3.caFile) ? s3.caFile : resolve(root, s3.caFile)) : undefined;
  if (caFile && !existsSync(caFile)) {
    throw new EtlError(`${file}: profile "${name}" s3.caFile ${caFile} does not exist`,
      'point caFile at the PEM file of the CA that signed the S3 endpoint\'s certificate');
  }
  if (caFile && !secure) {
    throw new EtlError(`${file}: profile "${name}" s3.caFile is set but s3.endpoint ${s3.endpoint} is plain http`,
      'use the https:// endpoint, or remove caFile');
  }
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
    elasticsearch: { mode: 'local', url: `http://${host}:${local.esPort}` },
    airflow: { mode: 'local', url: `http://${host}:${local.airflowPort}` },
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
