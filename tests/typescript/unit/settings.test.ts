import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'dotenv';
import { ensureEnvFile, GENERATED_SECRETS, loadConfig } from '../../../extension/core/config';
import { EtlError } from '../../../extension/core/errors';
import { assertUsableDir } from '../../../extension/core/paths';
import { ROOT, etl } from '../helpers/cli';
import { withReadOnlyFolder } from '../helpers/folders';

const projectCopy = (): string => {
  const root = mkdtempSync(join(tmpdir(), 'etl-settings-'));
  copyFileSync(join(ROOT, '.env.example'), join(root, '.env.example'));
  return root;
};
const mode = (path: string) => statSync(path).mode & 0o777;

test('.env is created from .env.example readable by its owner only: it holds the root password', () => {
  const root = projectCopy();
  const umask = process.umask(0o000); // even with a permissive umask
  try {
    loadConfig(root, { HOME: root });
  } finally {
    process.umask(umask);
  }
  assert.equal(mode(join(root, '.env')), 0o600);
});

test('a new .env has its own generated passwords, not the ones .env.example publishes', () => {
  const [first, second] = [projectCopy(), projectCopy()];
  for (const root of [first, second]) assert.equal(ensureEnvFile(root), true);
  const example = parse(readFileSync(join(first, '.env.example')));
  const [a, b] = [first, second].map((root) => parse(readFileSync(join(root, '.env'))));
  for (const key of GENERATED_SECRETS) {
    assert.match(a[key], /^[A-Za-z0-9_-]{24}$/, key);
    assert.notEqual(a[key], example[key], `${key} is the published placeholder`);
    assert.notEqual(a[key], b[key], `${key} is the same in two projects`);
  }
  const generated: readonly string[] = GENERATED_SECRETS;
  const rest = (env: Record<string, string>) => Object.entries(env).filter(([k]) => !generated.includes(k));
  assert.deepEqual(rest(a), rest(example), 'every other line as in .env.example');
  assert.equal(loadConfig(first, { HOME: first }).minio.secretKey, a.MINIO_SECRET_KEY);
});

test("Airflow signs in with .env's user and generated password; both emptied, every visitor is admin", () => {
  const root = projectCopy();
  ensureEnvFile(root);
  const env = parse(readFileSync(join(root, '.env')));
  const secured = loadConfig(root, { HOME: root });
  assert.equal(secured.profile.airflow.usernameEnv, 'AIRFLOW_USERNAME');
  assert.equal(secured.secretOf?.('AIRFLOW_USERNAME'), 'etl');
  assert.equal(secured.secretOf?.('AIRFLOW_PASSWORD'), env.AIRFLOW_PASSWORD);
  const open = loadConfig(root, { HOME: root, AIRFLOW_USERNAME: '', AIRFLOW_PASSWORD: '' });
  assert.equal(open.profile.airflow.usernameEnv, undefined);
  assert.throws(() => loadConfig(root, { HOME: root, AIRFLOW_PASSWORD: '' }),
    (error: unknown) =>
      error instanceof EtlError && /AIRFLOW_USERNAME is set but AIRFLOW_PASSWORD is not/.test(error.message));
});

test('an existing world-readable .env is fixed to mode 600, its content kept', () => {
  const root = projectCopy();
  const envFile = join(root, '.env');
  writeFileSync(envFile, 'MINIO_API_PORT=19500\n');
  chmodSync(envFile, 0o644);
  assert.equal(ensureEnvFile(root), false);
  assert.equal(mode(envFile), 0o600);
  assert.equal(loadConfig(root, { HOME: root }).minio.apiPort, 19500);
});

const namesIt = (setting: string, path: string) => (error: unknown) =>
  error instanceof EtlError &&
  error.message.startsWith(`${setting}: ${path} is not a usable folder`) &&
  error.hint === `set ${setting} to a folder this user can write to`;

test('a folder under /proc fails at once instead of hanging (recursive mkdir never returns there)', () => {
  const started = Date.now();
  assert.throws(() => assertUsableDir('ETL_STATE_DIR', '/proc/x/y'), namesIt('ETL_STATE_DIR', '/proc/x/y'));
  assert.ok(Date.now() - started < 5000); // a hang is forever; 5 s leaves room for a loaded 2-core machine
});

test('a file in the way of a folder is named', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'etl-file-')), 'file');
  writeFileSync(file, 'x');
  assert.throws(
    () => assertUsableDir('ETL_BACKUP_DIR', join(file, 'backup')),
    namesIt('ETL_BACKUP_DIR', join(file, 'backup')),
  );
});

test('etl up with ETL_STATE_DIR=/proc/x exits at once naming the setting', async () => {
  const result = await etl(['up'], { ETL_STATE_DIR: '/proc/x' }, 30_000);
  assert.equal(result.exitCode, 1, result.all);
  assert.match(
    result.all ?? '',
    /^error: ETL_STATE_DIR: \/proc\/x is not a usable folder \(it cannot be created there\)\n {2}→ set ETL_STATE_DIR to a folder/,
  );
});

for (const setting of ['ETL_STATE_DIR', 'ETL_BACKUP_DIR', 'ETL_LOG_DIR']) {
  test(`a read-only ${setting} is named with its path, not a raw errno`, async () => {
    await withReadOnlyFolder(mkdtempSync(join(tmpdir(), 'etl-ro-')), async (dir) => {
      const result = await etl(['status'], { [setting]: dir }, 30_000);
      assert.equal(result.exitCode, 1, result.all);
      assert.ok(
        (result.all ?? '').startsWith(`error: ${setting}: ${dir} is not a usable folder (read-only file system)`) ||
          (result.all ?? '').startsWith(`error: ${setting}: ${dir} is not a usable folder (permission denied)`),
        result.all,
      );
    });
  });
}

const USAGE_ERRORS: [string[], RegExp][] = [
  [['bogus'], /unknown command 'bogus'/],
  [['up', '--with', 'kafka'], /unknown service for --with: kafka/],
  [['start', 'nosuch'], /unknown service "nosuch" for the native stack \(known: minio, /],
  [['extract'], /required option '--months <spec>'/],
  [['extract', '--months', '2024-13', '--sample'], /usage error: month '2024-13' is not YYYY-MM with a month 01-12/],
  [
    ['extract', '--months', '2024-01', '--source', 'ftp://x/{YYYY}-{MM}'],
    /must start with file:\/\/, http:\/\/ or https:\/\//,
  ],
  [
    ['extract', '--months', '2024-01', '--sample', '--zones', 'ftp://x/z.csv'],
    /--zones 'ftp:\/\/x\/z\.csv' must start with file:\/\//,
  ],
  [['trigger', '--month', '13'], /month "13" is not YYYY-MM/],
  [['trigger', '--timeout', 'soon'], /--timeout soon is not a whole number/],
  [['trigger', '--months', '2024-06..2024-01'], /range "2024-06\.\.2024-01" is reversed/],
  [['trigger', '--months', '2010-01..2020-01'], /holds 121 months, more than 120/],
  [['trigger', '--months', '2024-01', '--month', '2024-01'], /either --month \(one run now\) or --months/],
  [['trigger', '--months', '2024-01', '--timeout', '0'], /--timeout 0 is not a whole number/],
  [['setup', '--only', 'nothing'], /^error: unknown setup component\(s\): nothing/],
];

for (const [args, message] of USAGE_ERRORS) {
  test(`usage error exits 2: etl ${args.join(' ')}`, async () => {
    const result = await etl(args, { MINIO_API_PORT: '1' }, 60_000); // would fail otherwise if MinIO were asked
    assert.equal(result.exitCode, 2, result.all);
    assert.match(result.all ?? '', message);
  });
}
