import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { AirflowClient } from '../../../extension/core/airflow/client';
import { PIPELINE_DAG } from '../../../extension/core/airflow/pipelineRun';
import { loadConfig } from '../../../extension/core/config';
import { esTarget } from '../../../extension/core/elasticsearch/client';
import { EtlError, describeError } from '../../../extension/core/errors';
import type { LogRecord } from '../../../extension/core/logs/record';
import { searchElasticsearch, searchLogs } from '../../../extension/core/logs/search';
import { openLogSource } from '../../../extension/core/logs/source';
import { logIndexFor } from '../../../extension/core/stack/logIndexTemplate';
import { ROOT, etl } from '../helpers/cli';
import { makeOtherCa, makeServerCertificates } from '../helpers/tls';

/*
 * "The team's" Elasticsearch and Airflow: a native stack in its own state folder and ports, started
 * service by service (`etl start`), its Elasticsearch with security on (HTTPS from a certificate made
 * here, a file-realm user), its Airflow signing in only a user with a password. This checkout reaches
 * them through a profile: log tail and search, Trigger DAG and the runs, `etl status`; and the failures
 * (wrong password, no CA) each name the service, the endpoint and what to do, never a secret.
 */
const base = Number(process.env.ETL_TEAM_PORT_BASE || 24000);
const work = mkdtempSync(join(tmpdir(), 'etl-team-services-'));
const teamState = join(work, 'team-state');
const clientState = join(work, 'client-state');
const esSecret = `es-secret-${randomBytes(12).toString('hex')}`;
const airflowSecret = `af-secret-${randomBytes(12).toString('hex')}`;
const runId = `team-logs-${randomBytes(3).toString('hex')}`;
const esUrl = `https://127.0.0.1:${base + 210}`;
const airflowUrl = `http://127.0.0.1:${base + 90}`;

/** The team stack's settings: what its `etl start` and `etl down` get (ports apart from teamCluster's). */
function teamEnv(certsDir: string): Record<string, string> {
  return {
    ETL_STATE_DIR: teamState, ETL_PROFILE: '', ES_CERTS_DIR: certsDir, ES_USERNAME: 'team-es',
    ES_PASSWORD: esSecret, AIRFLOW_USERNAME: 'etl', AIRFLOW_PASSWORD: airflowSecret,
    MINIO_API_PORT: String(base + 10), MINIO_CONSOLE_PORT: String(base + 11),
    SPARK_MASTER_PORT: String(base + 12), SPARK_MASTER_UI_PORT: String(base + 13),
    SPARK_WORKER_1_UI_PORT: String(base + 14), SPARK_WORKER_2_UI_PORT: String(base + 15),
    SPARK_HISTORY_UI_PORT: String(base + 16), ES_PORT: String(base + 210), ES_TRANSPORT_PORT: String(base + 310),
    AIRFLOW_PORT: String(base + 90), KIBANA_PORT: String(base + 17), ES_HEAP: '512m',
  };
}

/** This checkout: the profile and the secrets in the variables it names; nothing of the team's .env. */
function clientEnv(profile: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ETL_STATE_DIR: clientState, ETL_PROFILE: profile, ETL_PROFILES_FILE: join(work, 'etl-profiles.json'),
    ES_CERTS_DIR: '', ES_USERNAME: '', ES_PASSWORD: '', AIRFLOW_USERNAME: '', AIRFLOW_PASSWORD: '',
    TEAM_ES_USER: 'team-es', TEAM_ES_PASSWORD: esSecret, TEAM_AF_USER: 'etl', TEAM_AF_PASSWORD: airflowSecret,
    ETL_LOG_DIR: join(work, 'logs'), ...overrides,
  };
}

function writeProfiles(caFile: string, otherCa: string): void {
  const es = {
    mode: 'external', url: esUrl, caFile, usernameEnv: 'TEAM_ES_USER', passwordEnv: 'TEAM_ES_PASSWORD',
  };
  const airflow = { mode: 'external', url: airflowUrl, usernameEnv: 'TEAM_AF_USER', passwordEnv: 'TEAM_AF_PASSWORD' };
  const profiles = {
    team: { description: 'the team ES and Airflow (test)', elasticsearch: es, airflow },
    'team-no-ca': { elasticsearch: { ...es, caFile: undefined }, airflow },
    'team-api-key': {
      elasticsearch: { mode: 'external', url: esUrl, caFile, apiKeyEnv: 'TEAM_ES_API_KEY' }, airflow,
    },
    'team-wrong-ca': { elasticsearch: { ...es, caFile: otherCa }, airflow },
    'team-anonymous': {
      elasticsearch: { mode: 'external', url: esUrl, caFile }, airflow: { mode: 'external', url: airflowUrl },
    },
    'team-token': { airflow: { mode: 'external', url: airflowUrl, tokenEnv: 'TEAM_AF_TOKEN' } },
  };
  writeFileSync(join(work, 'etl-profiles.json'), JSON.stringify({ profiles }, null, 2));
}

const secrets = () => [esSecret, airflowSecret];
const noSecret = (text: string | undefined) =>
  assert.ok(!secrets().some((s) => (text ?? '').includes(s)), `a secret was printed:\n${text}`);

/** The client config of this checkout for a profile, as the CLI and the extension load it. */
const clientConfig = (profile: string, overrides: Record<string, string> = {}) =>
  loadConfig(ROOT, { ...process.env, ...clientEnv(profile, overrides) });

interface StatusJson {
  external: { service: string; ok: boolean; endpoint: string; detail: string }[];
}

async function externalStatus(profile: string, overrides: Record<string, string> = {}) {
  const status = await etl(['status', '--json', '--mode', 'native'], clientEnv(profile, overrides), 60_000);
  assert.equal(status.exitCode, 0, status.all);
  noSecret(status.all);
  return Object.fromEntries((JSON.parse(status.stdout) as StatusJson).external.map((row) => [row.service, row]));
}

describe('a team Elasticsearch (HTTPS, users) and Airflow (password) through a profile', { timeout: 900_000 }, () => {
  let team: Record<string, string>;
  let caFile: string;

  before(async () => {
    const started = Date.now();
    const tls = await makeServerCertificates(join(work, 'tls'));
    caFile = tls.caFile;
    writeProfiles(caFile, await makeOtherCa(join(work, 'other-ca')));
    mkdirSync(clientState, { recursive: true });
    team = teamEnv(tls.certsDir);
    for (const service of ['elasticsearch', 'airflow']) {
      const start = await etl(['start', service], team, 400_000);
      assert.equal(start.exitCode, 0, `the team ${service} did not start:\n${start.all}`);
      noSecret(start.all);
    }
    process.stdout.write(`# team Elasticsearch + Airflow started in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // A real ECS log document of a run, as the ETL's shipper writes them, indexed as the team's user.
    const es = new Client({ node: esUrl, auth: { username: 'team-es', password: esSecret },
      tls: { ca: readFileSync(caFile) } });
    const at = new Date().toISOString();
    await es.index({ index: logIndexFor(at), refresh: true, document: {
      '@timestamp': at, 'log.level': 'info', message: `extract finished for ${runId}`,
      etl: { step: 'extract', run_id: runId }, labels: { run_id: runId }, ecs: { version: '8.11.0' },
    } });
    await es.close();
  });

  after(async () => {
    const down = await etl(['down', '--mode', 'native'], team ?? { ETL_STATE_DIR: teamState }, 300_000);
    assert.equal(down.exitCode, 0, down.all);
  });

  test('etl profile show: the ES and Airflow endpoints, their auth and CA, the secrets only as set', async () => {
    const show = await etl(['profile', 'show'], clientEnv('team'));
    assert.equal(show.exitCode, 0, show.all);
    assert.match(show.stdout, /elasticsearch +external +https:\/\/127\.0\.0\.1:\d+ +auth: user, CA \S+ca\.crt/);
    assert.match(show.stdout, /airflow +external +http:\/\/127\.0\.0\.1:\d+ +auth: user and password/);
    assert.match(show.stdout, /secret TEAM_ES_PASSWORD: set/);
    assert.match(show.stdout, /secret TEAM_AF_PASSWORD: set/);
    noSecret(show.all);
  });

  test('the team ES refuses an anonymous client: its security is really on', async () => {
    const anonymous = await fetch(`${esUrl}/_cluster/health`).catch((error: Error) => error);
    assert.ok(anonymous instanceof Error, 'plain fetch must not trust the test CA');
    const es = new Client({ node: esUrl, tls: { ca: readFileSync(caFile) } });
    await assert.rejects(es.cluster.health(), /401|security_exception/);
    await es.close();
  });

  test('log tail and Search Logs read the team ES through the profile: HTTPS, the CA, basic auth', async () => {
    const config = clientConfig('team');
    const seen: LogRecord[] = [];
    const warnings: string[] = [];
    const source = await openLogSource((records) => seen.push(...records), {
      setting: 'elasticsearch', logDir: join(work, 'logs'), fromStart: true, filter: { runId },
      es: { ...esTarget(config), index: 'etl-logs-*', pollMs: 1_000_000 },
      onFallback: (why) => warnings.push(why),
    });
    source.stop();
    assert.deepEqual(warnings, []);
    assert.equal(source.kind, 'elasticsearch');
    assert.deepEqual(seen.map((r) => r.message), [`extract finished for ${runId}`]);

    const found = await searchLogs({ runId }, { es: esTarget(config), logDir: join(work, 'logs') });
    assert.equal(found.fallback, undefined);
    assert.equal(found.source, 'elasticsearch');
    assert.deepEqual(found.records.map((r) => `${r.step} ${r.message}`), [`extract extract finished for ${runId}`]);
  });

  test('Trigger DAG and the runs list: the team Airflow signs the profile\'s user in with its password', async () => {
    const config = clientConfig('team');
    const client = AirflowClient.of(config);
    // The team's DAG processor parses dags/ after it starts: wait for etl_pipeline (404 until then).
    for (let i = 0; ; i++) {
      const dag = await client.getDag(PIPELINE_DAG).catch((error: unknown) => error);
      if (!(dag instanceof Error)) break;
      assert.ok(i < 90 && /HTTP 404/.test(dag.message), describeError(dag));
      await sleep(2_000);
    }
    const trigger = await etl(['trigger', '--month', '2024-01', '--sample', '--no-wait'], clientEnv('team'), 120_000);
    assert.equal(trigger.exitCode, 0, trigger.all);
    noSecret(trigger.all);
    const queued = /run (\S+) queued/.exec(trigger.stderr)?.[1];
    assert.ok(queued, trigger.all);
    assert.ok(trigger.stderr.includes(`${airflowUrl}/dags/${PIPELINE_DAG}/runs/`), trigger.all);
    const runs = await client.listRuns(PIPELINE_DAG);
    assert.ok(runs.some((run) => run.dag_run_id === queued), JSON.stringify(runs.map((r) => r.dag_run_id)));
  });

  test('etl status: the team ES and Airflow reachable and authenticated, nothing started here', async () => {
    const external = await externalStatus('team');
    assert.ok(external.elasticsearch?.ok, JSON.stringify(external));
    assert.match(external.elasticsearch.detail,
      /reachable, authenticated \(TEAM_ES_USER\/TEAM_ES_PASSWORD\), cluster etl-spark (green|yellow)/);
    assert.ok(external.airflow?.ok, JSON.stringify(external));
    assert.match(external.airflow.detail, /reachable, authenticated \(TEAM_AF_USER\/TEAM_AF_PASSWORD\), Airflow 3\./);
  });

  test('an Airflow token given as is (tokenEnv): used as the Bearer token; a bad one refused, named, not shown',
    async () => {
      // A real token of the team Airflow, as a team would hand one out (its user signs in once).
      const response = await fetch(`${airflowUrl}/auth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'etl', password: airflowSecret }),
      });
      assert.equal(response.status, 201);
      const { access_token: token } = (await response.json()) as { access_token: string };
      const good = await externalStatus('team-token', { TEAM_AF_TOKEN: token });
      assert.ok(good.airflow?.ok, JSON.stringify(good));
      assert.match(good.airflow.detail, /authenticated \(token TEAM_AF_TOKEN\)/);
      assert.ok(!JSON.stringify(good).includes(token));
      const runs = await AirflowClient.of(clientConfig('team-token', { TEAM_AF_TOKEN: token })).listRuns(PIPELINE_DAG);
      assert.ok(Array.isArray(runs));

      // The same header and claims, another signature: a token Airflow did not sign.
      // Airflow 3.1 answers a token it did not sign with 403.
      const bad = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from(randomBytes(32)).toString('base64url')}`;
      const refused = await externalStatus('team-token', { TEAM_AF_TOKEN: bad });
      assert.equal(refused.airflow?.ok, false);
      assert.match(refused.airflow.detail, new RegExp(`Airflow \\(profile team-token\\) at ${airflowUrl} refused the `
        + 'token from TEAM_AF_TOKEN \\(HTTP 403\\) .* → check TEAM_AF_TOKEN'));
      assert.ok(!JSON.stringify(refused).includes(bad.slice(0, 40)));
    });

  test('wrong passwords: each message names the service, the endpoint and the variables, never a secret',
    async () => {
      const wrong = `wrong-${randomBytes(8).toString('hex')}`;
      const overrides = { TEAM_ES_PASSWORD: wrong, TEAM_AF_PASSWORD: wrong };
      const external = await externalStatus('team', overrides);
      assert.equal(external.elasticsearch?.ok, false);
      assert.match(external.elasticsearch.detail, new RegExp(`Elasticsearch \\(profile team\\) at ${esUrl} refused `
        + 'the credentials in TEAM_ES_USER/TEAM_ES_PASSWORD \\(HTTP 401\\) → check TEAM_ES_USER/TEAM_ES_PASSWORD'));
      assert.equal(external.airflow?.ok, false);
      assert.match(external.airflow.detail, new RegExp(`Airflow \\(profile team\\) at ${airflowUrl} refused the `
        + 'credentials in TEAM_AF_USER/TEAM_AF_PASSWORD \\(HTTP 401\\) → check TEAM_AF_USER/TEAM_AF_PASSWORD'));
      assert.ok(!JSON.stringify(external).includes(wrong));

      const trigger = await etl(['trigger', '--month', '2024-01', '--sample', '--no-wait'],
        clientEnv('team', overrides), 60_000);
      assert.equal(trigger.exitCode, 1, trigger.all);
      assert.match(trigger.all ?? '', /Airflow \(profile team\) at http:\S+ refused the credentials in TEAM_AF_USER/);
      assert.ok(!(trigger.all ?? '').includes(wrong));
      noSecret(trigger.all);

      // The log views fall back to the files, saying why.
      const found = await searchLogs({ runId }, { es: esTarget(clientConfig('team', overrides)),
        logDir: join(work, 'logs') });
      assert.equal(found.source, 'files');
      assert.match(found.fallback ?? '', /refused the credentials in TEAM_ES_USER\/TEAM_ES_PASSWORD \(HTTP 401\)/);
      assert.ok(!(found.fallback ?? '').includes(wrong));
    });

  test('a profile without credentials for a team that asks for them: the fields to set, per service', async () => {
    const external = await externalStatus('team-anonymous');
    assert.match(external.elasticsearch?.detail ?? '', new RegExp(`Elasticsearch \\(profile team-anonymous\\) at `
      + `${esUrl} asks for credentials \\(HTTP 401\\) → name the variables .*elasticsearch\\.usernameEnv`));
    assert.match(external.airflow?.detail ?? '', new RegExp(`Airflow \\(profile team-anonymous\\) at ${airflowUrl} `
      + 'asks for credentials \\(HTTP 403\\).* → name the variables .*airflow\\.usernameEnv'));
  });

  test('a CA that did not sign the team ES certificate: said so, with the setting to fix', async () => {
    const external = await externalStatus('team-wrong-ca');
    assert.equal(external.elasticsearch?.ok, false);
    assert.match(external.elasticsearch.detail, new RegExp(`Elasticsearch \\(profile team-wrong-ca\\) at ${esUrl}: `
      + 'TLS certificate not trusted \\(.+\\) → \\S+ca\\.crt did not sign the server\'s certificate: set '
      + 'elasticsearch\\.caFile in the profile'));
  });

  test('a credential variable the profile names but nobody set: said by name; the log tail falls back to the files',
    async () => {
      const unset = { TEAM_ES_PASSWORD: '', TEAM_AF_PASSWORD: '' };
      const external = await externalStatus('team', unset);
      assert.match(external.elasticsearch?.detail ?? '',
        /Elasticsearch \(profile team\) at https:\S+ needs TEAM_ES_PASSWORD, not set in the environment nor in \.env/);
      assert.match(external.airflow?.detail ?? '', /Airflow \(profile team\) at http:\S+ needs TEAM_AF_PASSWORD/);
      const warnings: string[] = [];
      const source = await openLogSource(() => undefined, {
        setting: 'elasticsearch', logDir: join(work, 'logs'),
        es: { ...esTarget(clientConfig('team', unset)), index: 'etl-logs-*' }, onFallback: (why) => warnings.push(why),
      });
      source.stop();
      assert.equal(source.kind, 'files');
      assert.match(warnings[0] ?? '', /needs TEAM_ES_PASSWORD.*; showing .*\*\.log instead/);
    });

  test('no CA in the profile: the test-made certificate is not trusted, and the message says which setting',
    async () => {
      const external = await externalStatus('team-no-ca');
      assert.equal(external.elasticsearch?.ok, false);
      assert.match(external.elasticsearch.detail, new RegExp(`Elasticsearch \\(profile team-no-ca\\) at ${esUrl}: `
        + 'TLS certificate not trusted \\(.+\\) → no CA file is set: set elasticsearch\\.caFile in the profile'));
    });

  test('an API key the team ES does not know: refused, the variable named, the key never shown', async () => {
    // This ES distribution (integ-test zip) cannot store API keys (no analysis-common module for the
    // .security index), so only the refusal of a key is tested against it (README "Run against your cluster").
    const key = Buffer.from(`unknown-id:${randomBytes(16).toString('hex')}`).toString('base64');
    const config = clientConfig('team-api-key', { TEAM_ES_API_KEY: key });
    await assert.rejects(searchElasticsearch(esTarget(config), { runId }), (error: unknown) => {
      assert.ok(error instanceof EtlError);
      assert.match(error.message, new RegExp(`Elasticsearch \\(profile team-api-key\\) at ${esUrl} refused the `
        + 'credentials in TEAM_ES_API_KEY \\(HTTP 401\\)'));
      assert.ok(!describeError(error).includes(key));
      return true;
    });
    const external = await externalStatus('team-api-key', { TEAM_ES_API_KEY: key });
    assert.match(external.elasticsearch?.detail ?? '', /refused the credentials in TEAM_ES_API_KEY/);
    assert.ok(!JSON.stringify(external).includes(key));
  });
});
