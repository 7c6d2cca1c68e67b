import { secretOf, type EtlConfig } from '../config';
import { EtlError } from '../errors';

/**
 * How the client signs in: `all-admins` is the local stack's simple auth manager (every local visitor an
 * admin, a plain GET /auth/token hands out a token); `password` posts a user and password to /auth/token
 * (Airflow 3's simple and FAB auth managers); `token` is used as the Bearer token as it is.
 */
export type AirflowAuth =
  | { kind: 'all-admins' }
  | { kind: 'password'; username: string; password: string; env: string }
  | { kind: 'token'; token: string; env: string };

/** Who the client is talking to: named in every message (service, endpoint), and how it signs in. */
export interface AirflowTarget {
  title: string;
  external: boolean;
  /** Resolved when first needed: a variable not set fails the first call, not the view that holds the client. */
  auth: () => AirflowAuth;
}

/** Today's local stack: the simple auth manager lets every local visitor in as an admin. */
export const LOCAL_TARGET: AirflowTarget = { title: 'Airflow', external: false, auth: () => ({ kind: 'all-admins' }) };

/** The active profile's Airflow: its URL and the credentials from the variables it names (environment or .env). */
export function airflowTarget(config: EtlConfig): AirflowTarget {
  const { profile } = config;
  const airflow = profile.airflow;
  const external = airflow.mode === 'external';
  const title = external ? `Airflow (profile ${profile.name})` : 'Airflow';
  const secret = (name: string) => secretOf(config, name);
  return {
    title,
    external,
    auth: () => {
      const names = [airflow.usernameEnv, airflow.passwordEnv, airflow.tokenEnv].filter((n): n is string => !!n);
      const missing = names.filter((name) => !secret(name));
      if (missing.length) {
        throw new EtlError(`${title} at ${airflow.url} needs ${missing.join(' and ')}, not set in the environment `
          + 'nor in .env', external ? 'export it (the profile file holds only its name)' : 'set it in .env');
      }
      if (airflow.tokenEnv) return { kind: 'token', token: secret(airflow.tokenEnv) as string, env: airflow.tokenEnv };
      if (airflow.usernameEnv && airflow.passwordEnv) {
        return { kind: 'password', username: secret(airflow.usernameEnv) as string,
          password: secret(airflow.passwordEnv) as string, env: `${airflow.usernameEnv}/${airflow.passwordEnv}` };
      }
      return { kind: 'all-admins' };
    },
  };
}

