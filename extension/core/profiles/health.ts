import { connect } from 'node:net';
import { AirflowClient } from '../airflow/client';
import type { EtlConfig } from '../config';
import { esClient, esTarget, explainEsError } from '../elasticsearch/client';
import { EtlError, describeError } from '../errors';
import { endpointOf, s3Client } from '../s3/client';
import { explainS3Error } from '../s3/errors';

/** How an external service of the active profile is: `etl status` checks, never starts or stops it. */
export interface ExternalHealth {
  service: 's3' | 'spark' | 'elasticsearch' | 'airflow';
  title: string;
  endpoint: string;
  ok: boolean;
  /** What was found (ok), or what failed and what to do; never a secret. */
  detail: string;
}

/** Checks every service the active profile places elsewhere: reachable, authenticated, buckets, workers. */
export async function checkExternalServices(config: EtlConfig): Promise<ExternalHealth[]> {
  const { profile } = config;
  const checks: Promise<ExternalHealth>[] = [];
  if (profile.s3.mode === 'external') checks.push(checkS3(config));
  if (profile.spark.mode === 'external') checks.push(checkSpark(config));
  if (profile.elasticsearch.mode === 'external') checks.push(checkElasticsearch(config));
  if (profile.airflow.mode === 'external') checks.push(checkAirflow(config));
  return Promise.all(checks);
}

/** Reachable, TLS trusted, the credentials accepted (who they sign in as), the cluster's health. */
async function checkElasticsearch(config: EtlConfig): Promise<ExternalHealth> {
  const { url } = config.profile.elasticsearch;
  const base = { service: 'elasticsearch' as const, title: `Elasticsearch (profile ${config.profile.name})`,
    endpoint: url };
  const target = esTarget(config);
  if (target.problem) return { ...base, ok: false, detail: oneLine(target.problem) };
  const client = esClient(target, 5_000);
  try {
    const health = await client.cluster.health();
    const who = target.auth ? `authenticated (${target.authEnv})` : 'no credentials asked';
    const ok = health.status === 'green' || health.status === 'yellow';
    return { ...base, ok, detail: `reachable, ${who}, cluster ${health.cluster_name} ${health.status}`
      + (ok ? '' : ': the cluster is red, see its own health') };
  } catch (error) {
    return { ...base, ok: false, detail: oneLine(explainEsError(error, target)) };
  } finally {
    await client.close();
  }
}

/** Reachable, signed in with the profile's credentials, its version. */
async function checkAirflow(config: EtlConfig): Promise<ExternalHealth> {
  const base = { service: 'airflow' as const, title: `Airflow (profile ${config.profile.name})`,
    endpoint: config.profile.airflow.url };
  const { usernameEnv, passwordEnv, tokenEnv } = config.profile.airflow;
  try {
    const version = await AirflowClient.of(config, 5_000).checkSignIn();
    const who = tokenEnv ? `token ${tokenEnv}` : usernameEnv ? `${usernameEnv}/${passwordEnv}` : 'no credentials';
    return { ...base, ok: true, detail: `reachable, authenticated (${who}), Airflow ${version}` };
  } catch (error) {
    return { ...base, ok: false, detail: oneLine(error) };
  }
}

const oneLine = (error: unknown) => describeError(error).replace(/\n\s*/g, ' ');

async function checkS3(config: EtlConfig): Promise<ExternalHealth> {
  const endpoint = endpointOf(config);
  const base = { service: 's3' as const, title: `S3 (profile ${config.profile.name})`, endpoint };
  try {
    const client = s3Client(config);
    const buckets = [config.buckets.rawzone, config.buckets.gold];
    const missing: string[] = [];
    for (const bucket of buckets) if (!(await client.bucketExists(bucket))) missing.push(bucket);
    if (missing.length) {
      return { ...base, ok: false, detail: `reachable and authenticated, but bucket(s) ${missing.join(', ')} missing: `
        + 'create them there (the ETL never creates buckets on an external S3) or fix s3.buckets in the profile' };
    }
    return { ...base, ok: true, detail: `reachable, authenticated, buckets ${buckets.join(', ')} present` };
  } catch (error) {
    const explained = error instanceof EtlError ? error : explainS3Error(error, endpoint);
    return { ...base, ok: false, detail: describeError(explained).replace(/\n\s*/g, ' ') };
  }
}

interface MasterJson {
  status?: string;
  aliveworkers?: number;
}

async function checkSpark(config: EtlConfig): Promise<ExternalHealth> {
  const { masterUrl, uiUrl } = config.profile.spark;
  const title = `Spark master (profile ${config.profile.name})`;
  const base = { service: 'spark' as const, title, endpoint: masterUrl };
  const { hostname, port } = new URL(masterUrl.replace(/^spark:/, 'http:'));
  if (!(await tcpAnswers(hostname, Number(port)))) {
    return { ...base, ok: false, detail: `cannot reach ${masterUrl}: check spark.masterUrl and the network (VPN)` };
  }
  if (!uiUrl) return { ...base, ok: true, detail: 'reachable (set spark.uiUrl to check its workers)' };
  try {
    const response = await fetch(`${uiUrl}/json/`, { signal: AbortSignal.timeout(5_000) });
    const master = (await response.json()) as MasterJson;
    const workers = master.aliveworkers ?? 0;
    const ok = master.status === 'ALIVE' && workers > 0;
    return { ...base, ok, detail: `${master.status ?? 'unknown'}, ${workers} worker(s) alive`
      + (ok ? '' : ': the transform needs a live master with workers') };
  } catch (error) {
    return { ...base, ok: false, detail: `reachable, but its UI ${uiUrl} did not answer (${describeError(error)}): `
      + 'check spark.uiUrl' };
  }
}

function tcpAnswers(host: string, port: number, timeoutMs = 5_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

/** `etl status`'s lines for them. */
export function formatExternal(rows: ExternalHealth[]): string {
  return rows
    .map((row) => `${row.ok ? '●' : '✗'} ${row.title.padEnd(32)} external  ${row.endpoint}\n    ${row.detail}`)
    .join('\n');
}
