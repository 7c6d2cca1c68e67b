// What the profile status bar, the Switch Profile quick pick and the secret merge show and compute: plain data in,
// plain data out (no vscode import), so the unit tests check it without a window.
import { LOCAL_PROFILE, type Profile, type ResolvedProfile } from '../../core/profiles';
import { catalogEntry } from '../../core/stack/catalog';

/** "$(cloud) team" when any service of the profile is external, else "$(server) local". */
export function profileStatusText(profile: ResolvedProfile): string {
  return `${isRemote(profile) ? '$(cloud)' : '$(server)'} ${profile.name}`;
}

const isRemote = (profile: ResolvedProfile) =>
  [profile.s3, profile.spark, profile.elasticsearch, profile.airflow].some((s) => s.mode === 'external');

/** One line per service: where it is and how it is reached. Never a secret (the profile holds only names). */
export function serviceLines(profile: ResolvedProfile): string[] {
  return [
    `S3: ${profile.s3.mode} · ${profile.s3.endpoint}${profile.s3.secure ? ' (TLS)' : ''}`,
    `Spark: ${profile.spark.mode} · ${profile.spark.masterUrl}`,
    `Elasticsearch: ${profile.elasticsearch.mode} · ${profile.elasticsearch.url}`,
    `Airflow: ${profile.airflow.mode} · ${profile.airflow.url}`,
  ];
}

/** The status bar tooltip: the profile, where it comes from, each service, what a click does. */
export function profileTooltip(profile: ResolvedProfile): string {
  const source = profile.name === LOCAL_PROFILE ? 'the services of .env on this machine' : profile.file;
  return [
    `ETL profile: ${profile.name}${profile.description ? ` — ${profile.description}` : ''}`,
    `(${source})`,
    '',
    ...serviceLines(profile),
    '',
    'Click to switch profile (ETL: Switch Profile).',
  ].join('\n');
}

/** The status bar when the active profile cannot be resolved: its name, and the error with what to do. */
export function brokenProfileTooltip(name: string, error: string): string {
  return `ETL profile: ${name} — cannot be used:\n${error}\n\nClick to switch profile (ETL: Switch Profile).`;
}

export interface ProfilePick {
  /** The profile's name: what is written to ETL_PROFILE (`local` writes an empty value). */
  name: string;
  label: string;
  description: string;
  detail: string;
  picked: boolean;
}

/** `local` first, then the file's profiles in file order; the active one marked. */
export function profilePicks(active: string, profiles: Record<string, Profile>): ProfilePick[] {
  const pick = (name: string, description: string, detail: string): ProfilePick => ({
    name,
    label: name === active ? `$(check) ${name}` : name,
    description: name === active ? `active · ${description}` : description,
    detail,
    picked: name === active,
  });
  return [
    pick(LOCAL_PROFILE, 'the services of .env on this machine', 'every service local (Start Stack starts them)'),
    ...Object.entries(profiles).map(([name, profile]) =>
      pick(name, profile.description ?? '', placementOf(profile)),
    ),
  ];
}

/** "S3 external https://s3.example.com · Spark local · …": where a (not yet resolved) profile places each service. */
export function placementOf(profile: Profile): string {
  const s3 = profile.s3.mode === 'external' ? `S3 external ${profile.s3.endpoint}` : `S3 ${profile.s3.mode}`;
  const spark =
    profile.spark.mode === 'external' ? `Spark external ${profile.spark.masterUrl}` : `Spark ${profile.spark.mode}`;
  const es = `Elasticsearch ${profile.elasticsearch.mode}`;
  const airflow = `Airflow ${profile.airflow.mode}`;
  return [s3, spark, es, airflow].join(' · ');
}

/**
 * The secrets SecretStorage adds to an environment: those whose variable the environment does not set (non-empty).
 * The process environment wins (an exported variable is the user's deliberate override, as for the CLI); what is
 * added then wins over .env, because loadConfig reads secrets from the environment before .env (secretFrom).
 */
export function secretEnv(stored: Record<string, string>, env: NodeJS.ProcessEnv): Record<string, string> {
  const added: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) if (value && !env[name]) added[name] = value;
  return added;
}

/** The quick pick of Set Profile Secret: each declared name with whether a value is stored, never the value. */
export function secretPicks(
  names: string[],
  stored: Record<string, string>,
  env: NodeJS.ProcessEnv,
): { label: string; description: string }[] {
  return names.map((name) => ({
    label: name,
    description: env[name]
      ? 'set in VS Code\'s environment (it wins over SecretStorage)'
      : stored[name]
        ? 'stored in SecretStorage'
        : 'not stored',
  }));
}

/**
 * What Start Stack starts here under `profile`: MinIO and Spark unless external, and the optional services asked
 * for (`withOptional`) that the profile does not place elsewhere. Empty: nothing local to start.
 */
export function localServicesToStart(
  profile: ResolvedProfile,
  withOptional: string[],
): { core: string[]; optional: string[] } {
  const core = [
    ...(profile.s3.mode === 'external' ? [] : ['minio']),
    ...(profile.spark.mode === 'external' ? [] : ['spark']),
  ];
  const elsewhere = (name: string) =>
    (name === 'elasticsearch' || name === 'airflow') && profile[name].mode === 'external';
  return { core, optional: withOptional.filter((name) => !elsewhere(name)) };
}

/** "S3 (https://s3.example.com), Spark (spark://m:7077)": the services a profile places elsewhere, for messages. */
export function externalSummary(profile: ResolvedProfile): string {
  const rows: string[] = [];
  if (profile.s3.mode === 'external') rows.push(`S3 (${profile.s3.endpoint})`);
  if (profile.spark.mode === 'external') rows.push(`Spark (${profile.spark.masterUrl})`);
  if (profile.elasticsearch.mode === 'external') rows.push(`Elasticsearch (${profile.elasticsearch.url})`);
  if (profile.airflow.mode === 'external') rows.push(`Airflow (${profile.airflow.url})`);
  return rows.join(', ');
}

/**
 * Whether a local service of the stack stands for one the profile places elsewhere (MinIO for an external S3, the
 * Spark services for an external master, the log shipper and the ELK pieces for an external Elasticsearch, …: the
 * service catalog's `external`). The Stack view leaves such a row out while it is stopped: the external row replaces
 * it; a local one still running stays, so that it can be stopped.
 */
export function replacedByExternal(service: string, profile: ResolvedProfile): boolean {
  const section = catalogEntry(service)?.external;
  return section !== undefined && profile[section].mode === 'external';
}
