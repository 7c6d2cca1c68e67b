import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { CLI, ROOT } from '../helpers/cli';

/** A project of its own (the CLI writes ETL_PROFILE into its .env), with a profile file. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'etl-profile-cli-'));
  for (const file of ['.env.example', 'package.json']) copyFileSync(join(ROOT, file), join(root, file));
  writeFileSync(join(root, '.env'), 'MINIO_API_PORT=9000\n', { mode: 0o600 });
  writeFileSync(join(root, 'etl-profiles.json'), JSON.stringify({ profiles: { team: {
    description: 'the team cluster',
    s3: { mode: 'external', endpoint: 'https://s3.team.example:9443', accessKeyEnv: 'TEAM_KEY',
      secretKeyEnv: 'TEAM_SECRET' },
  } } }));
  return root;
}

const etlIn = (root: string, args: string[], env: Record<string, string> = {}) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ETL_|MINIO_|SPARK_|ES_)/.test(k)));
  return execa('node', [CLI, ...args], {
    cwd: root, env: { ...clean, ETL_PROJECT_ROOT: root, ...env }, extendEnv: false, reject: false, all: true,
  });
};

test('etl profile list / use / show: the active one marked, .env updated (mode kept), no secret printed', async () => {
  const root = project();
  const list = await etlIn(root, ['profile', 'list']);
  assert.equal(list.exitCode, 0, list.all);
  assert.match(list.stdout, /^\* local /m);
  assert.match(list.stdout, /^ {2}team +the team cluster/m);
  const use = await etlIn(root, ['profile', 'use', 'team']);
  assert.equal(use.exitCode, 0, use.all);
  assert.match(readFileSync(join(root, '.env'), 'utf8'), /^ETL_PROFILE=team$/m);
  assert.equal(statSync(join(root, '.env')).mode & 0o777, 0o600);
  assert.match((await etlIn(root, ['profile', 'list'])).stdout, /^\* team /m);
  const show = await etlIn(root, ['profile', 'show'], { TEAM_KEY: 'AKIAEXAMPLEKEY', TEAM_SECRET: 'very-secret-value' });
  assert.equal(show.exitCode, 0, show.all);
  assert.match(show.stdout, /s3 +external +https:\/\/s3\.team\.example:9443/);
  assert.match(show.stdout, /secret TEAM_SECRET: set/);
  assert.ok(!show.all?.includes('very-secret-value') && !show.all?.includes('AKIAEXAMPLEKEY'), show.all);
  assert.match((await etlIn(root, ['profile', 'show'])).stdout, /secret TEAM_SECRET: NOT SET/);
  assert.equal((await etlIn(root, ['profile', 'use', 'local'])).exitCode, 0);
  assert.match(readFileSync(join(root, '.env'), 'utf8'), /^ETL_PROFILE=$/m);
});

test('etl profile: an unknown name or a missing argument is a usage error (exit 2)', async () => {
  const root = project();
  const unknown = await etlIn(root, ['profile', 'use', 'nope']);
  assert.equal(unknown.exitCode, 2, unknown.all);
  assert.match(unknown.stderr, /no profile "nope".*\n.*known: local, team/);
  assert.equal((await etlIn(root, ['profile', 'use'])).exitCode, 2);
  assert.equal((await etlIn(root, ['profile', 'frobnicate'])).exitCode, 2);
});

test('etl profile use local recovers from a broken active profile', async () => {
  const root = project();
  writeFileSync(join(root, '.env'), 'ETL_PROFILE=gone\n', { mode: 0o600 });
  const show = await etlIn(root, ['profile', 'show']);
  assert.equal(show.exitCode, 1);
  assert.match(show.stderr, /ETL_PROFILE=gone.*no profile "gone"/);
  assert.equal((await etlIn(root, ['profile', 'use', 'local'])).exitCode, 0);
  assert.equal((await etlIn(root, ['profile', 'show'])).exitCode, 0);
});
