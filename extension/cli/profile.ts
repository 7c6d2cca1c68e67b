import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'dotenv';
import { ENV_CONTRACT } from '../core/contract';
import { loadConfig, type EtlConfig } from '../core/config';
import { UsageError } from '../core/errors';
import { findProjectRoot } from '../core/paths';
import {
  LOCAL_PROFILE, readProfiles, writeActiveProfile, type ResolvedProfile,
} from '../core/profiles';

const root = () => process.env.ETL_PROJECT_ROOT || findProjectRoot();

/** `etl profile list|use|show`: where the services are (etl-profiles.json); never prints a secret. */
export function registerProfileCommands(program: Command): void {
  const profile = program.command('profile').description('list, choose and show the profiles (etl-profiles.json)');
  profile
    .command('list')
    .description('every profile, the active one marked *')
    .action(() => {
      const { config, active } = withoutActiveProfile();
      const profiles = readProfiles(config.profile.file);
      const rows: [string, string][] = [[LOCAL_PROFILE, 'the services of .env on ETL_BIND_HOST (default)']];
      for (const [name, body] of Object.entries(profiles)) rows.push([name, body.description ?? '']);
      for (const [name, description] of rows) {
        const mark = name === active ? '*' : ' ';
        process.stdout.write(`${mark} ${name.padEnd(20)} ${description}\n`);
      }
    });
  profile
    .command('use')
    .description('make NAME the active profile (ETL_PROFILE in .env)')
    .argument('<name>', `a profile of etl-profiles.json, or ${LOCAL_PROFILE}`)
    .action((name: string) => {
      const { config } = withoutActiveProfile();
      const file = config.profile.file;
      const known = [LOCAL_PROFILE, ...Object.keys(readProfiles(file))];
      if (!known.includes(name)) {
        throw new UsageError(`no profile "${name}" in ${file}`, `known: ${known.join(', ')}`);
      }
      const envFile = writeActiveProfile(config.paths.root, name === LOCAL_PROFILE ? '' : name);
      process.stdout.write(`active profile: ${name} (ETL_PROFILE in ${envFile})\n`);
      const fromEnv = process.env.ETL_PROFILE;
      if (fromEnv !== undefined && fromEnv !== name && !(fromEnv === '' && name === LOCAL_PROFILE)) {
        process.stderr.write(`note: ETL_PROFILE=${fromEnv} in this shell's environment wins over .env\n`);
      }
    });
  profile
    .command('show')
    .description('the active profile (or NAME) resolved: each service, its endpoint; secrets as set/NOT SET only')
    .argument('[name]', 'another profile than the active one')
    .option('--json', 'print it as JSON')
    .action((name: string | undefined, options: { json?: boolean }) => {
      const config = loadConfig(root(), name === undefined ? process.env : { ...process.env, ETL_PROFILE: name });
      const shown = describeProfile(config);
      process.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : formatProfile(shown));
    });
}

/**
 * The configuration with the `local` profile, and the active profile's name: `list` and `use` work while
 * the active profile is broken (that is when one needs `etl profile use local`).
 */
function withoutActiveProfile(): { config: EtlConfig; active: string } {
  const project = root();
  const envFile = process.env[ENV_CONTRACT.fileVariable] || join(project, ENV_CONTRACT.file);
  const fromFile = existsSync(envFile) ? parse(readFileSync(envFile)).ETL_PROFILE : undefined;
  const active = process.env.ETL_PROFILE ?? fromFile;
  return { config: loadConfig(project, { ...process.env, ETL_PROFILE: '' }), active: active || LOCAL_PROFILE };
}

interface ShownProfile {
  profile: ResolvedProfile;
  secrets: Record<string, 'set' | 'NOT SET'>;
}

/** The resolved profile and, for each secret variable it names, only whether it is set. */
function describeProfile(config: EtlConfig): ShownProfile {
  const { s3, elasticsearch: es, airflow, lineage } = config.profile;
  const secrets: ShownProfile['secrets'] = {};
  if (s3.accessKeyEnv) secrets[s3.accessKeyEnv] = config.minio.accessKey ? 'set' : 'NOT SET';
  if (s3.secretKeyEnv) secrets[s3.secretKeyEnv] = config.minio.secretKey ? 'set' : 'NOT SET';
  const named = [es.usernameEnv, es.passwordEnv, es.apiKeyEnv, airflow.usernameEnv, airflow.passwordEnv,
    airflow.tokenEnv, lineage.apiKeyEnv];
  for (const name of named) if (name) secrets[name] = config.secretOf?.(name) ? 'set' : 'NOT SET';
  return { profile: config.profile, secrets };
}

const authOf = (kind: string | undefined) => (kind ? `auth: ${kind}` : 'no auth');

function formatProfile({ profile, secrets }: ShownProfile): string {
  const { s3, spark, elasticsearch: es, airflow, lineage } = profile;
  const lines = [
    `profile ${profile.name}${profile.name === LOCAL_PROFILE ? ' (implicit: .env)' : ` (${profile.file})`}`,
    ...(profile.description ? [`  ${profile.description}`] : []),
    `  s3             ${s3.mode.padEnd(9)} ${s3.endpoint}  ${s3.pathStyle ? 'path-style' : 'virtual-host'}, `
      + `region ${s3.region}, TLS ${s3.secure ? `on, CA ${s3.caFile ?? 'system'}` : 'off'}`,
    `                 buckets rawzone=${s3.buckets.rawzone} gold=${s3.buckets.gold}`,
    `  spark          ${spark.mode.padEnd(9)} ${spark.masterUrl}${spark.uiUrl ? `  UI ${spark.uiUrl}` : ''}`,
    ...(spark.driverHost || spark.driverPort
      ? [`                 driver ${spark.driverHost ?? '(bind host)'} port ${spark.driverPort ?? 'any'} `
        + `block manager ${spark.blockManagerPort ?? 'any'}`]
      : []),
    `  elasticsearch  ${es.mode.padEnd(9)} ${es.url}  ${authOf(es.apiKeyEnv ? 'API key' : es.usernameEnv && 'user')}`
      + `${es.url.startsWith('https:') ? `, CA ${es.caFile ?? 'system'}` : ''}`,
    `  airflow        ${airflow.mode.padEnd(9)} ${airflow.url}  `
      + `${authOf(airflow.tokenEnv ? 'token' : airflow.usernameEnv && 'user and password')}`,
    `  lineage        ${lineage.mode.padEnd(9)} `
      + `${lineage.url ? `${lineage.url}  ${authOf(lineage.apiKeyEnv && 'API key')}` : 'event files only'}`,
    ...Object.entries(secrets).map(([variable, state]) => `  secret ${variable}: ${state}`),
  ];
  return `${lines.join('\n')}\n`;
}
