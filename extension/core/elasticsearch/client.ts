import { readFileSync } from 'node:fs';
import { Client, errors } from '@elastic/elasticsearch';
import { secretOf, type EtlConfig } from '../config';
import { EtlError } from '../errors';

/** Where Elasticsearch is and how to sign in: what every consumer (log tail, search, status) connects with. */
export interface EsTarget {
  url: string;
  /** The PEM bundle to trust (else the system's CAs). */
  caFile?: string;
  auth?: { username: string; password: string } | { apiKey: string };
  /** Names the service in messages, e.g. "Elasticsearch (profile team)". */
  title?: string;
  /** The variables holding the credentials, e.g. "TEAM_ES_PASSWORD": said in messages, never their values. */
  authEnv?: string;
  /** Where the CA is set, said when the certificate is not trusted. */
  caSetting?: string;
  /** The profile places it elsewhere: hints point at the profile, not at `etl up`. */
  external?: boolean;
  /** Why no client can be made (a credential variable not set): thrown by esClient, so the file tail still works. */
  problem?: EtlError;
}

/** The active profile's Elasticsearch: its URL, CA and the credentials from the variables it names. */
export function esTarget(config: EtlConfig): EsTarget {
  const { profile } = config;
  const es = profile.elasticsearch;
  const external = es.mode === 'external';
  const title = external ? `Elasticsearch (profile ${profile.name})` : 'Elasticsearch';
  const secret = (name: string) => secretOf(config, name);
  const missing = [es.usernameEnv, es.passwordEnv, es.apiKeyEnv].filter((name): name is string =>
    name !== undefined && !secret(name));
  const problem = missing.length
    ? new EtlError(`${title} at ${es.url} needs ${missing.join(' and ')}, not set in the environment nor in .env`,
      external ? 'export it (the profile file holds only its name)' : 'set it in .env')
    : undefined;
  const auth = problem ? undefined : es.apiKeyEnv
    ? { apiKey: secret(es.apiKeyEnv) as string }
    : es.usernameEnv && es.passwordEnv
      ? { username: secret(es.usernameEnv) as string, password: secret(es.passwordEnv) as string }
      : undefined;
  return {
    url: es.url, caFile: es.caFile, auth, title, external, problem,
    authEnv: es.apiKeyEnv ?? (es.usernameEnv ? `${es.usernameEnv}/${es.passwordEnv}` : undefined),
    caSetting: external ? 'elasticsearch.caFile in the profile (etl-profiles.json)' : 'ES_CERTS_DIR in .env',
  };
}

/** A client of that Elasticsearch: TLS with its CA, basic auth or an API key; no retries (callers report). */
export function esClient(target: EsTarget, requestTimeout = 10_000): Client {
  if (target.problem) throw target.problem;
  return new Client({
    node: target.url,
    requestTimeout,
    maxRetries: 0,
    ...(target.auth ? { auth: target.auth } : {}),
    ...(target.caFile ? { tls: { ca: readFileSync(target.caFile) } } : {}),
  });
}

/**
 * Whether the active profile's Elasticsearch answers green or yellow within `timeoutMs`, signed in and trusting
 * its CA as every client here does. Any failure (down, refused, a password not set) is a no.
 */
export async function esClusterHealthy(config: EtlConfig, timeoutMs = 2_000): Promise<boolean> {
  let client: Client | undefined;
  try {
    client = esClient(esTarget(config), timeoutMs);
    const { status } = await client.cluster.health();
    return status === 'green' || status === 'yellow';
  } catch {
    return false;
  } finally {
    await client?.close();
  }
}

/** Node's messages for a certificate it does not trust (the ES client keeps the message, not the code). */
const UNTRUSTED = /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer|certificate has expired|does not match certificate's altnames|certificate is not yet valid/i;
const NOT_TLS = /wrong version number|packet length too long|ECONNRESET|socket hang up/i;

/** An Elasticsearch failure a user can act on: the service, the endpoint and what to do; never a secret. */
export function explainEsError(error: unknown, target: EsTarget): EtlError {
  if (error instanceof EtlError) return error;
  const where = `${target.title ?? 'Elasticsearch'} at ${target.url}`;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.ResponseError && (error.statusCode === 401 || error.statusCode === 403)) {
    const what = error.statusCode === 401 ? 'refused the credentials' : 'denied access with the credentials';
    if (!target.authEnv) {
      return new EtlError(`${where} asks for credentials (HTTP ${error.statusCode})`,
        'name the variables that hold them in the profile: elasticsearch.usernameEnv and passwordEnv, or apiKeyEnv');
    }
    return new EtlError(`${where} ${what} in ${target.authEnv} (HTTP ${error.statusCode})`,
      `check ${target.authEnv} (the environment or .env)${error.statusCode === 403
        ? ': that user or key needs read access to the log indices' : ' and that the user or API key exists there'}`);
  }
  if (UNTRUSTED.test(message)) {
    return new EtlError(`${where}: TLS certificate not trusted (${firstLine(message)})`,
      target.caFile
        ? `${target.caFile} did not sign the server's certificate: set ${target.caSetting} to the PEM of the CA `
          + 'that did'
        : `no CA file is set: set ${target.caSetting} to the PEM of the CA that signed the server's certificate`);
  }
  if (target.url.startsWith('https:') && NOT_TLS.test(message)) {
    return new EtlError(`${where} does not speak TLS (${firstLine(message)})`,
      'check http/https and the port of the URL');
  }
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError) {
    return new EtlError(`${where} does not answer (${firstLine(message)})`,
      target.external ? 'check elasticsearch.url in the profile and the network (VPN)'
        : 'start it: `etl up --with elasticsearch`, or fix ES_PORT in .env');
  }
  return new EtlError(`${where}: ${firstLine(message)}`);
}

/** The cause, without the socket addresses the client appends. */
const firstLine = (message: string) => message.split('\n')[0].replace(/ - Local: .*$/, '');
