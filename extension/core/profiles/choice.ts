import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ENV_CONTRACT } from '../contract';
import { envFileOf } from './activate';
import { activeProfileName, profileFilePath, readProfiles } from './resolve';
import type { Profile } from './schema';

/** What a profile switcher needs, read without resolving the active profile (so a broken one can be left). */
export interface ProfileChoices {
  /** ETL_PROFILE of the environment, else of the env file; `local` when empty. */
  active: string;
  /** The profile file, whether it exists or not. */
  file: string;
  profiles: Record<string, Profile>;
}

/** The active profile's name and every profile of the file; throws (EtlError) only when the file is invalid. */
export function profileChoices(root: string, env: NodeJS.ProcessEnv = process.env): ProfileChoices {
  const envFile = envFileOf(root, env);
  const example = join(root, ENV_CONTRACT.example);
  const values = {
    ...(existsSync(example) ? parse(readFileSync(example)) : {}),
    ...(existsSync(envFile) ? parse(readFileSync(envFile)) : {}),
  };
  const merged = { ...values, ETL_PROFILE: env.ETL_PROFILE ?? values.ETL_PROFILE,
    ETL_PROFILES_FILE: env.ETL_PROFILES_FILE ?? values.ETL_PROFILES_FILE };
  const file = profileFilePath(root, merged);
  return { active: activeProfileName(merged), file, profiles: readProfiles(file) };
}

/** The names of the environment variables a profile reads its secrets from (`…Env` fields), in file order. */
export function declaredSecretNames(profile: Profile | undefined): string[] {
  if (!profile) return [];
  const names: string[] = [];
  for (const section of [profile.s3, profile.spark, profile.elasticsearch, profile.airflow, profile.lineage]) {
    for (const [field, value] of Object.entries(section)) {
      if (field.endsWith('Env') && typeof value === 'string' && !names.includes(value)) names.push(value);
    }
  }
  return names;
}
