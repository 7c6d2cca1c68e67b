import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { secretOf, type EtlConfig } from '../../config';
import { LOCAL_AUTH_ENV } from '../../profiles';

/**
 * The profiles of docker-compose.yml beside the default services: `elk` (Logstash, Kibana, Filebeat), `tools` (the
 * `etl` runner), `dev` (the dev session, spark-connect).
 */
export const COMPOSE_PROFILES = ['elk', 'tools', 'dev'] as const;
export const DEFAULT_PROJECT_NAME = 'etl-spark';

/** What every `docker compose` call of ours needs: project name, file, environment. */
export interface ComposeProject {
  name: string;
  file: string;
  root: string;
  /** ETL_UID/ETL_GID, ETL_DEBIAN_BASE, ETL_BUILD_CA_FILE on top of the caller's environment. */
  env: Record<string, string>;
}

/** Settings for the build (decided by provisioning; the defaults when it did not run). */
export interface BuildSettings {
  /** Image the Dockerfile starts FROM when `debian:bookworm-slim` cannot be had. */
  debianBase?: string;
  /** The host's CA bundle, trusted by the build's downloads only. */
  caFile?: string;
}

export const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** The compose project's name: COMPOSE_PROJECT_NAME, else etl-spark. */
export const composeProjectName = () => process.env.COMPOSE_PROJECT_NAME || DEFAULT_PROJECT_NAME;

/**
 * The host folder the compose dev session (spark-connect) writes its previews and its runner's socket to, mounted
 * as /opt/etl/preview: `<state>/compose/<project>/preview`, as docker-compose.yml spells it. Not the native
 * session's `<state>/preview`: each stack's runner owns its socket, and a native and a compose stack (another
 * project, other ports) may run at once.
 */
export const composePreviewDir = (config: EtlConfig) =>
  join(config.paths.state, 'compose', composeProjectName(), 'preview');

/**
 * The logins of Elasticsearch and Airflow as this process resolved them (environment, .env, else .env.example's
 * defaults), as the native stack uses them. docker compose reads .env alone: an .env written before these keys
 * existed would start the compose services open. In the environment of `docker compose`, never an argument.
 */
function localLogins(config: EtlConfig): Record<string, string> {
  const logins: Record<string, string> = {};
  for (const name of Object.values(LOCAL_AUTH_ENV)) {
    const value = secretOf(config, name);
    if (value !== undefined) logins[name] = value;
  }
  return logins;
}

export function composeProject(config: EtlConfig, build: BuildSettings = {}): ComposeProject {
  const name = composeProjectName();
  const env: Record<string, string> = {
    // The runner and Airflow write to the mounts as the caller, so the files are theirs.
    ETL_UID: String(process.getuid?.() ?? 1000),
    ETL_GID: String(process.getgid?.() ?? 1000),
    // What docker-compose.yml builds the preview folder's path from (composePreviewDir): the folder this
    // process resolved, whatever .env or a relative ETL_STATE_DIR would give compose.
    ETL_STATE_DIR: config.paths.state,
    COMPOSE_PROJECT_NAME: name,
    ...localLogins(config),
  };
  if (build.debianBase) env.ETL_DEBIAN_BASE = build.debianBase;
  const caFile = build.caFile ?? (existsSync(HOST_CA_BUNDLE) ? HOST_CA_BUNDLE : undefined);
  if (caFile) env.ETL_BUILD_CA_FILE = caFile;
  return {
    name,
    file: join(config.paths.root, 'docker-compose.yml'),
    root: config.paths.root,
    env,
  };
}

/** `docker compose -p NAME -f FILE [--env-file] [--profile …] <args>` as an argument array. */
export function composeArgs(project: ComposeProject, args: string[], profiles: readonly string[] = []): string[] {
  const envFile = process.env.ETL_ENV_FILE ? ['--env-file', process.env.ETL_ENV_FILE] : [];
  return [
    'compose',
    '-p',
    project.name,
    '-f',
    project.file,
    '--project-directory',
    project.root,
    ...envFile,
    ...profiles.flatMap((p) => ['--profile', p]),
    ...args,
  ];
}

/** The environment of a `docker compose` call: the caller's (ports, overrides) plus ours. */
export const composeEnv = (project: ComposeProject, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  ...project.env,
  ...extra,
});
