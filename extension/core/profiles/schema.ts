import { EtlError } from '../errors';
import { SCHEMAS, validator, describeSchemaError } from '../schemas';

/**
 * The profile file (etl-profiles.json): per service, where it is. One format for TypeScript and
 * Python (src/etl/profiles.py validates the same way; tests/fixtures/profiles/cases.json holds the
 * cases both must agree on). Secrets are never in the file: only the NAME of the environment
 * variable that holds them (`…Env` fields).
 */
export const PROFILE_FILE = 'etl-profiles.json';
export const LOCAL_PROFILE = 'local';
export const SERVICE_MODES = ['local', 'compose', 'external'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];

export interface S3Profile {
  mode: ServiceMode;
  endpoint?: string;
  caFile?: string;
  addressing?: 'path' | 'virtual';
  region?: string;
  buckets?: { rawzone?: string; gold?: string };
  accessKeyEnv?: string;
  secretKeyEnv?: string;
}

export interface SparkProfile {
  mode: ServiceMode;
  masterUrl?: string;
  uiUrl?: string;
  deployMode?: 'client';
  driverHost?: string;
  driverBindAddress?: string;
  driverPort?: number;
  blockManagerPort?: number;
}

export interface EsProfile {
  mode: ServiceMode;
  url?: string;
  caFile?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  apiKeyEnv?: string;
}

export interface AirflowProfile {
  mode: ServiceMode;
  url?: string;
  usernameEnv?: string;
  passwordEnv?: string;
  tokenEnv?: string;
}

/** A lineage server (Marquez or another OpenLineage backend); local: the event files only. */
export interface LineageProfile {
  mode: ServiceMode;
  url?: string;
  apiKeyEnv?: string;
}

export interface Profile {
  description?: string;
  s3: S3Profile;
  spark: SparkProfile;
  elasticsearch: EsProfile;
  airflow: AirflowProfile;
  lineage: LineageProfile;
}

/** A field's kind: the definition of config/profiles.schema.json it refers to, or the values it may take. */
type FieldKind = 'http' | 'spark' | 'text' | 'env' | 'port' | 'buckets' | readonly string[];
type Service = keyof Omit<Profile, 'description'>;

interface SchemaShape {
  definitions: Record<string, {
    properties: Record<string, { $ref?: string; enum?: string[] }>;
    allOf?: { then?: { required: string[] } }[];
  }>;
}

/**
 * Every field a service section may have (besides `mode`) and its kind, and what an external service cannot do
 * without: read from config/profiles.schema.json, the one table src/etl/profiles.py reads too. Anything else is
 * refused.
 */
function fieldTable(schema: SchemaShape) {
  const fields = {} as Record<Service, Record<string, FieldKind>>;
  const required = {} as Record<Service, string[]>;
  const tail = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
  for (const [service, spec] of Object.entries(schema.definitions.profile.properties)) {
    if (!spec.$ref) continue; // description, $comment
    const section = schema.definitions[tail(spec.$ref)];
    fields[service as Service] = Object.fromEntries(
      Object.entries(section.properties)
        .filter(([name]) => name !== 'mode' && name !== '$comment')
        .map(([name, field]) => [name, field.enum ?? (tail(field.$ref ?? '') as FieldKind)]),
    );
    required[service as Service] = section.allOf?.find((part) => part.then)?.then?.required ?? [];
  }
  return { fields, required };
}
const { fields: FIELDS, required: REQUIRED_EXTERNAL } = fieldTable(SCHEMAS.profiles as unknown as SchemaShape);
/** Field names that would hold a secret itself: refused, the file names the variable instead. */
const SECRET_FIELDS = new Set(['accessKey', 'secretKey', 'secret', 'password', 'token', 'apiKey', 'sessionToken']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

class ProfileFileError extends EtlError {}

/** Validates the parsed file; every error names the file, the profile and the field. */
export function parseProfileFile(raw: unknown, file: string): Record<string, Profile> {
  const fail = (where: string, what: string, hint: string) =>
    new ProfileFileError(`${file}: ${where} ${what}`, hint);
  if (!isObject(raw) || !isObject(raw.profiles)) {
    throw fail('the top level', 'has no "profiles" object', 'write {"profiles": {"<name>": {...}}}, see README');
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'profiles' && key !== '$schema' && key !== '$comment') {
      throw fail(`top-level field "${key}"`, 'is not known', 'only "profiles" (and "$comment") belong there');
    }
  }
  const profiles: Record<string, Profile> = {};
  for (const [name, body] of Object.entries(raw.profiles)) {
    if (name === LOCAL_PROFILE) {
      throw fail(`profile "${name}"`, 'is reserved', `"${LOCAL_PROFILE}" is the implicit profile (.env); rename it`);
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw fail(`profile "${name}"`, 'has an invalid name', 'use letters, digits, ".", "_" and "-"');
    }
    profiles[name] = parseProfile(body, `profile "${name}"`, fail);
  }
  // The checks above give the precise hints; the schema is the contract both loaders share, checked last.
  const validate = validator('profiles');
  if (!validate(raw)) {
    throw new ProfileFileError(`${file}: ${describeSchemaError(validate.errors)} (config/profiles.schema.json)`,
      'see README "Run against your cluster"');
  }
  return profiles;
}

type Fail = (where: string, what: string, hint: string) => EtlError;

function parseProfile(body: unknown, where: string, fail: Fail): Profile {
  if (!isObject(body)) throw fail(where, 'is not an object', 'give each service a section: {"s3": {...}}');
  const profile: Profile = {
    s3: { mode: 'local' }, spark: { mode: 'local' }, elasticsearch: { mode: 'local' }, airflow: { mode: 'local' },
    lineage: { mode: 'local' },
  };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'description' || key === '$comment') {
      if (typeof value !== 'string') throw fail(`${where} field "${key}"`, 'is not a string', 'write text');
      if (key === 'description') profile.description = value;
      continue;
    }
    if (!(key in FIELDS)) {
      throw fail(`${where} field "${key}"`, 'is not known', `known: description, ${Object.keys(FIELDS).join(', ')}`);
    }
    const service = key as keyof typeof FIELDS;
    const section = parseService(service, value, `${where} ${service}`, fail);
    (profile as unknown as Record<string, unknown>)[service] = section;
  }
  return profile;
}

function parseService(service: keyof typeof FIELDS, body: unknown, where: string, fail: Fail): { mode: ServiceMode } {
  if (!isObject(body)) throw fail(where, 'is not an object', `write {"mode": "external", ...}`);
  const mode = body.mode ?? 'local';
  if (typeof mode !== 'string' || !(SERVICE_MODES as readonly string[]).includes(mode)) {
    throw fail(`${where}.mode`, `is ${JSON.stringify(mode)}`, `use one of ${SERVICE_MODES.join(', ')}`);
  }
  const out: Record<string, unknown> = { mode };
  for (const [field, value] of Object.entries(body)) {
    if (field === 'mode' || field === '$comment') continue;
    if (SECRET_FIELDS.has(field)) {
      throw fail(`${where}.${field}`, 'holds a secret in the file',
        `remove it; set "${field}Env" to the NAME of an environment variable that holds it `
          + `(secrets never go in ${PROFILE_FILE})`);
    }
    const kind = FIELDS[service][field];
    if (kind === undefined) {
      throw fail(`${where}.${field}`, 'is not known', `known: mode, ${Object.keys(FIELDS[service]).join(', ')}`);
    }
    if (mode !== 'external') {
      throw fail(`${where}.${field}`, `is set but mode is "${mode}"`, 'only an external service takes settings');
    }
    out[field] = kind === 'buckets'
      ? checkBuckets(value, `${where}.buckets`, fail)
      : check(kind, value, `${where}.${field}`, fail);
  }
  if (mode === 'external') {
    const missing = REQUIRED_EXTERNAL[service].filter((field) => out[field] === undefined);
    if (missing.length) {
      throw fail(where, `is external but lacks ${missing.join(', ')}`, 'see README "Run against your cluster"');
    }
  }
  if (out.deployMode === 'cluster') {
    throw fail(`${where}.deployMode`, 'is "cluster"',
      'Spark standalone cannot run a Python application in cluster deploy mode; use "client" and set driverHost');
  }
  return out as { mode: ServiceMode };
}

function check(kind: FieldKind, value: unknown, where: string, fail: Fail): unknown {
  if (kind === 'port') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
      throw fail(where, `is ${JSON.stringify(value)}, not a TCP port`, 'use a number from 1 to 65535');
    }
    return value;
  }
  if (typeof value !== 'string' || !value.trim()) throw fail(where, 'is not a non-empty string', 'write text');
  if (Array.isArray(kind) && !kind.includes(value)) {
    throw fail(where, `is "${value}"`, `use one of ${kind.join(', ')}`);
  }
  if (kind === 'env' && !ENV_NAME.test(value)) {
    // Never echo it: a value here is most likely the secret itself.
    throw fail(where, 'is not an environment variable name',
      'name the variable that holds the value (letters, digits, _), never the value itself');
  }
  if (kind === 'http' && !/^https?:\/\/[^/\s]+/.test(value)) {
    throw fail(where, `is "${value}", not an http(s) URL`, 'for example https://s3.eu-west-1.amazonaws.com');
  }
  if (kind === 'spark' && !/^spark:\/\/[^/\s:]+:\d+$/.test(value)) {
    throw fail(where, `is "${value}", not a Spark master URL`, 'for example spark://spark-master.example.com:7077');
  }
  return value.trim();
}

function checkBuckets(value: unknown, where: string, fail: Fail): { rawzone?: string; gold?: string } {
  if (!isObject(value)) throw fail(where, 'is not an object', 'write {"rawzone": "...", "gold": "..."}');
  for (const [key, name] of Object.entries(value)) {
    if (key !== 'rawzone' && key !== 'gold') throw fail(`${where}.${key}`, 'is not known', 'known: rawzone, gold');
    if (typeof name !== 'string' || !BUCKET.test(name)) {
      throw fail(`${where}.${key}`, `is ${JSON.stringify(name)}, not an S3 bucket name`,
        'use 3-63 lowercase letters, digits, dots or hyphens');
    }
  }
  return value as { rawzone?: string; gold?: string };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
