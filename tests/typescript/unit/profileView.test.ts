import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { parseConfig, type EtlConfig, type RawEnv } from '../../../extension/core/config';
import { EtlError } from '../../../extension/core/errors';
import { projectPaths } from '../../../extension/core/paths';
import { writeActiveProfile } from '../../../extension/core/profiles/activate';
import { declaredSecretNames, profileChoices } from '../../../extension/core/profiles/choice';
import { classifyS3Error, explainS3Error } from '../../../extension/core/s3/errors';
import { explainForProfile, missingKeyError } from '../../../extension/vscode/common/externalS3';
import {
  externalSummary, localServicesToStart, profilePicks, profileStatusText, profileTooltip, replacedByExternal, secretEnv,
  secretPicks,
} from '../../../extension/vscode/profile/profileText';
import { ROOT } from '../helpers/cli';

// The pure parts of the extension's profile layer (extension/vscode/profile/profileText.ts, common/externalS3.ts)
// and the core helpers they use, on a real profile file resolved by the core.
const S3 = {
  mode: 'external', endpoint: 'https://s3.team.example:9000', addressing: 'path', region: 'eu-west-1',
  buckets: { rawzone: 'team-raw', gold: 'team-gold' }, accessKeyEnv: 'TEAM_KEY', secretKeyEnv: 'TEAM_SECRET',
};
const PROFILES = {
  profiles: {
    team: { description: 'the team cluster', s3: S3, spark: { mode: 'external', masterUrl: 'spark://m.team:7077' } },
    everything: {
      s3: S3, spark: { mode: 'external', masterUrl: 'spark://m.team:7077' },
      elasticsearch: { mode: 'external', url: 'https://es.team:9200', passwordEnv: 'ES_PASS', usernameEnv: 'ES_USER' },
      airflow: { mode: 'external', url: 'https://af.team', tokenEnv: 'AF_TOKEN' },
    },
  },
};

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'etl-profile-view-'));
  writeFileSync(join(root, 'etl-profiles.json'), JSON.stringify(PROFILES));
  writeFileSync(join(root, '.env.example'), readFileSync(join(ROOT, '.env.example')));
  writeFileSync(join(root, '.env'), 'ETL_BIND_HOST=127.0.0.1\n', { mode: 0o600 });
  return root;
}

function configOf(root: string, profile: string, extra: RawEnv = {}, env: NodeJS.ProcessEnv = {}): EtlConfig {
  const values = { ...parse(readFileSync(join(ROOT, '.env.example'))), ETL_PROFILE: profile, ...extra };
  return parseConfig(values, projectPaths(root, '/cache'), env);
}

test('status bar: a cloud for a profile with an external service, a server for local; the tooltip per service', () => {
  const root = project();
  const team = configOf(root, 'team').profile;
  assert.equal(profileStatusText(team), '$(cloud) team');
  assert.equal(profileStatusText(configOf(root, '').profile), '$(server) local');
  const tooltip = profileTooltip(team);
  assert.match(tooltip, /^ETL profile: team — the team cluster\n/);
  assert.match(tooltip, /^S3: external · https:\/\/s3\.team\.example:9000 \(TLS\)$/m);
  assert.match(tooltip, /^Spark: external · spark:\/\/m\.team:7077$/m);
  assert.match(tooltip, /^Elasticsearch: local · http:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(tooltip, /Click to switch profile/);
  assert.match(profileTooltip(configOf(root, '').profile), /\(the services of \.env on this machine\)/);
});

test('Switch Profile quick pick: local first, the file\'s profiles in order, the active one checked', () => {
  const root = project();
  const { active, profiles } = profileChoices(root, { ETL_PROFILE: 'team' });
  assert.equal(active, 'team');
  const picks = profilePicks(active, profiles);
  assert.deepEqual(picks.map((p) => [p.name, p.label, p.picked]),
    [['local', 'local', false], ['team', '$(check) team', true], ['everything', 'everything', false]]);
  assert.equal(picks[1].description, 'active · the team cluster');
  assert.equal(picks[1].detail, 'S3 external https://s3.team.example:9000 · Spark external spark://m.team:7077 · '
    + 'Elasticsearch local · Airflow local');
  // ETL_PROFILE from the env file when the environment has none; `local` when empty.
  writeFileSync(join(root, '.env'), 'ETL_PROFILE=everything\n');
  assert.equal(profileChoices(root, {}).active, 'everything');
  assert.equal(profileChoices(root, { ETL_PROFILE: '' }).active, 'local');
});

test('writeActiveProfile writes the env file in force: ETL_ENV_FILE when set, .env otherwise', () => {
  const root = project();
  const other = join(root, 'other.env');
  writeFileSync(other, 'A=1\nETL_PROFILE=\n', { mode: 0o600 });
  assert.equal(writeActiveProfile(root, 'team', { ETL_ENV_FILE: other }), other);
  assert.equal(readFileSync(other, 'utf8'), 'A=1\nETL_PROFILE=team\n');
  assert.equal(readFileSync(join(root, '.env'), 'utf8'), 'ETL_BIND_HOST=127.0.0.1\n');
  assert.equal(writeActiveProfile(root, 'team', {}), join(root, '.env'));
  assert.match(readFileSync(join(root, '.env'), 'utf8'), /^ETL_PROFILE=team$/m);
});

test('declared secret names: every …Env of the profile, once, in file order; none for local', () => {
  const { profiles } = profileChoices(project(), {});
  assert.deepEqual(declaredSecretNames(profiles.team), ['TEAM_KEY', 'TEAM_SECRET']);
  assert.deepEqual(declaredSecretNames(profiles.everything), ['TEAM_KEY', 'TEAM_SECRET', 'ES_PASS', 'ES_USER',
    'AF_TOKEN']);
  assert.deepEqual(declaredSecretNames(undefined), []);
});

test('secret merge: the process environment wins, SecretStorage wins over .env, and reaches the core', () => {
  const stored = { TEAM_KEY: 'stored-key', TEAM_SECRET: 'stored-secret-value' };
  assert.deepEqual(secretEnv(stored, {}), stored);
  assert.deepEqual(secretEnv(stored, { TEAM_KEY: 'exported' }), { TEAM_SECRET: 'stored-secret-value' });
  assert.deepEqual(secretEnv(stored, { TEAM_KEY: '' }), stored, 'an empty variable does not count as set');
  assert.deepEqual(secretEnv({ TEAM_KEY: '' }, {}), {}, 'an empty stored value adds nothing');

  const root = project();
  const dotEnv = { TEAM_KEY: 'dotenv-key', TEAM_SECRET: 'dotenv-secret' };
  const fromStorage = configOf(root, 'team', dotEnv, secretEnv(stored, {}));
  assert.equal(fromStorage.minio.accessKey, 'stored-key');
  assert.equal(fromStorage.minio.secretKey, 'stored-secret-value');
  const exported = { TEAM_KEY: 'exported-key' };
  const mixed = configOf(root, 'team', dotEnv, { ...exported, ...secretEnv(stored, exported) });
  assert.equal(mixed.minio.accessKey, 'exported-key');
  assert.equal(mixed.minio.secretKey, 'stored-secret-value');
  assert.equal(configOf(root, 'team', {}, {}).profileProblem?.includes('TEAM_KEY and TEAM_SECRET'), true);
});

test('Set Profile Secret quick pick: each name with where its value is, never the value', () => {
  const picks = secretPicks(['TEAM_KEY', 'TEAM_SECRET', 'ES_PASS'], { TEAM_SECRET: 'hidden-value' },
    { TEAM_KEY: 'exported-value' });
  assert.deepEqual(picks.map((p) => p.label), ['TEAM_KEY', 'TEAM_SECRET', 'ES_PASS']);
  assert.match(picks[0].description, /VS Code's environment \(it wins/);
  assert.equal(picks[1].description, 'stored in SecretStorage');
  assert.equal(picks[2].description, 'not stored');
  for (const value of ['hidden-value', 'exported-value']) assert.ok(!JSON.stringify(picks).includes(value));
});

test('Start Stack under a profile: what it would start here; nothing when everything is external', () => {
  const root = project();
  assert.deepEqual(localServicesToStart(configOf(root, '').profile, ['elasticsearch']),
    { core: ['minio', 'spark'], optional: ['elasticsearch'] });
  assert.deepEqual(localServicesToStart(configOf(root, 'team').profile, ['elasticsearch']),
    { core: [], optional: ['elasticsearch'] });
  const everything = configOf(root, 'everything').profile;
  assert.deepEqual(localServicesToStart(everything, ['elasticsearch', 'airflow']), { core: [], optional: [] });
  assert.equal(externalSummary(everything), 'S3 (https://s3.team.example:9000), Spark (spark://m.team:7077), '
    + 'Elasticsearch (https://es.team:9200), Airflow (https://af.team)');
});

test('an external S3 that fails: the profile, the endpoint and what to check; never "start the stack"', () => {
  const root = project();
  const team = configOf(root, 'team').profile;
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const unreachable = explainForProfile(explainS3Error(refused, team.s3.endpoint), team);
  assert.equal(unreachable.message, 'S3 of profile "team" at https://s3.team.example:9000 does not answer '
    + '(ECONNREFUSED)');
  assert.match(unreachable.hint ?? '', /nothing here starts it: check s3\.endpoint in .*etl-profiles\.json, your network/);
  assert.doesNotMatch(unreachable.describe(), /start the stack|Start Stack|etl up/i);
  assert.equal(classifyS3Error(unreachable), 'unreachable');

  const missing = missingKeyError(team, 'profile "team": S3 at https://s3.team.example:9000 needs TEAM_KEY');
  assert.match(missing.hint ?? '', /set TEAM_KEY and TEAM_SECRET: ETL: Set Profile Secret/);
  assert.equal(classifyS3Error(missing), 'credentials');

  // The local MinIO keeps its own advice.
  const local = configOf(root, '').profile;
  const localError = explainS3Error(refused, local.s3.endpoint);
  assert.equal(explainForProfile(localError, local), localError);
  assert.match(localError.hint ?? '', /start the stack/);
  assert.ok(explainForProfile(new EtlError('other'), team).message.includes('https://s3.team.example:9000'));
});

test('the Stack view leaves out a stopped local row the profile replaces by an external one', () => {
  const root = project();
  const everything = configOf(root, 'everything').profile;
  for (const name of ['minio', 'spark-master', 'spark-worker-1', 'spark-history', 'elasticsearch', 'log-shipper',
    'kibana', 'airflow'])
    assert.equal(replacedByExternal(name, everything), true, name);
  const team = configOf(root, 'team').profile;
  assert.deepEqual(['minio', 'spark-master', 'elasticsearch', 'log-shipper', 'airflow'].map((n) =>
    replacedByExternal(n, team)), [true, true, false, false, false]);
  assert.equal(replacedByExternal('minio', configOf(root, '').profile), false);
});
