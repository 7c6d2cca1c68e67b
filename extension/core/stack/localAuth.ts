import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { secretOf, type EtlConfig } from '../config';
import { EtlError } from '../errors';
import { LOCAL_AUTH_ENV } from '../profiles';

/*
 * Optional authentication and TLS for the native Elasticsearch and Airflow (off by default: loopback only,
 * as in the compose stack). A stack that stands in for a team's cluster turns them on from .env:
 * ES_CERTS_DIR (HTTPS), ES_USERNAME + ES_PASSWORD (security on, that user a superuser of the file realm),
 * AIRFLOW_USERNAME + AIRFLOW_PASSWORD (the simple auth manager signs in only that user, an admin).
 * The secrets never reach an argument: a password hash in ES's users file, a 600 file for Airflow.
 */

/** The user and password of a local service, or undefined when .env leaves its authentication off. */
function credentials(
  config: EtlConfig, user: string, password: string,
): { user: string; password: string } | undefined {
  const [u, p] = [secretOf(config, user), secretOf(config, password)];
  if (!u || !p) return undefined;
  if (!/^[A-Za-z0-9._-]+$/.test(u)) {
    throw new EtlError(`${user} in .env is not a plain user name`, 'use letters, digits, ".", "_" and "-"');
  }
  return { user: u, password: p };
}

/**
 * ES's file-realm hash of a password: `{PBKDF2}<cost>$<salt>$<key>` (PBKDF2 with HMAC-SHA512, a 32-byte
 * salt, a 256-bit key; Elasticsearch's Hasher.PBKDF2), so no tool run with the password as an argument.
 */
export function esPasswordHash(password: string, cost = 10_000): string {
  const salt = randomBytes(32);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, cost, 32, 'sha512');
  return `{PBKDF2}${cost}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * The security settings of the native Elasticsearch, its users file and its certificate written into its
 * config folder (ES reads TLS files only from there). Today's default: security off, plain http.
 */
export function esSecuritySettings(config: EtlConfig, confDir: string, certsDir?: string): Record<string, string> {
  const login = credentials(config, LOCAL_AUTH_ENV.esUsername, LOCAL_AUTH_ENV.esPassword);
  if (!login && !certsDir) return { 'xpack.security.enabled': 'false' };
  if (!login) {
    throw new EtlError('ES_CERTS_DIR is set without ES_USERNAME and ES_PASSWORD',
      'Elasticsearch serves HTTPS only with its security on: set both in .env too');
  }
  // users: name:hash; users_roles: role:names. Rewritten at each start, so a changed password applies.
  writeFileSync(join(confDir, 'users'), `${login.user}:${esPasswordHash(login.password)}\n`, { mode: 0o640 });
  writeFileSync(join(confDir, 'users_roles'), `superuser:${login.user}\n`, { mode: 0o640 });
  const settings: Record<string, string> = {
    'xpack.security.enabled': 'true',
    'xpack.security.authc.api_key.enabled': 'true',
    'xpack.security.http.ssl.enabled': certsDir ? 'true' : 'false',
  };
  if (certsDir) {
    const own = join(confDir, 'certs');
    mkdirSync(own, { recursive: true });
    for (const name of ['public.crt', 'private.key']) {
      const from = join(certsDir, name);
      if (!existsSync(from)) {
        throw new EtlError(`ES_CERTS_DIR ${certsDir} has no ${name}`,
          'put the server certificate (public.crt) and its key (private.key) there, as for MINIO_CERTS_DIR');
      }
      copyFileSync(from, join(own, name));
    }
    settings['xpack.security.http.ssl.certificate'] = join('certs', 'public.crt');
    settings['xpack.security.http.ssl.key'] = join('certs', 'private.key');
  }
  return settings;
}

/** ES_CERTS_DIR, absolute (relative to the project root), or undefined. */
export function esCertsDir(config: EtlConfig): string | undefined {
  const dir = config.elasticsearch.certsDir;
  return dir ? resolve(config.paths.root, dir) : undefined;
}

/** The native Elasticsearch's user and password, or undefined when it runs without security. */
export const esLogin = (config: EtlConfig) => credentials(config, LOCAL_AUTH_ENV.esUsername, LOCAL_AUTH_ENV.esPassword);

/**
 * The native Airflow's auth settings: every local visitor an admin (the default), or only the user of .env
 * with its password, from a 600 passwords file in the state folder (the simple auth manager reads it).
 */
export function airflowAuthEnv(config: EtlConfig, home: string): Record<string, string> {
  const login = credentials(config, LOCAL_AUTH_ENV.airflowUsername, LOCAL_AUTH_ENV.airflowPassword);
  // A loopback-only development instance: every visitor is admin, no generated password to find.
  if (!login) return { AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS: 'True' };
  const file = join(home, 'simple_auth_manager_passwords.json');
  writeFileSync(file, `${JSON.stringify({ [login.user]: login.password })}\n`, { mode: 0o600 });
  return {
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS: 'False',
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS: `${login.user}:admin`,
    AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE: file,
  };
}
