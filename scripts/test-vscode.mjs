// The extension inside a real VS Code:
//  1. the mocha suite (tests/typescript/vscode/suite) in the extension host of code-server 4.100.3 (VS Code 1.100.3),
//     loaded as a development extension;
//  2. a user scenario in headless Chromium with the packaged VSIX installed (screenshots in test-artifacts/), then the
//     Gold tables, the Preview Change and the checks (Testing view, Problems) scenarios in the same window.
// `--electron`: run the same suite with @vscode/test-electron instead (needs VS Code's download site).
// `--mode compose`: the compose suite only (etl.stack.mode compose; it starts and removes the compose stack).
// Natively, after the suite: the same extension in an untrusted workspace
// (tests/typescript/vscode/suite/untrusted.vscode-test.ts).
// Natively, last: the profile scenario (tests/typescript/vscode/driver/profileScenario.mjs) against
// "the team's cluster", a MinIO over TLS of its own (ETL_TEAM_PORT_BASE), with a fresh state folder in which nothing
// may start.
// `--suite-only`, `--untrusted-only`, `--user-only`, `--profile-only`: one part alone.
// Needs: `node dist/cli.js setup --only vscode-tools` and, natively, a running stack with Elasticsearch and Airflow
// (`etl up --with elasticsearch,airflow`); in compose mode a Docker engine and no native stack on the same ports.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { NATIVE_EXTERNALS } from './nativeRuntime.mjs';
import { capture } from '../tests/typescript/vscode/driver/capture.mjs';

const root = resolve(import.meta.dirname, '..');
const artifacts = join(root, 'test-artifacts');
const suiteOut = join(root, 'out', 'vscode-suite');
// The VSIX of this machine's platform (`npm run package` makes one per target, see scripts/package.mjs).
const hostTarget = `${process.platform}-${process.arch}`;
const vsix = join(root, 'dist', 'vsix', `etl-spark-${hostTarget}.vsix`);
const log = (line) => process.stderr.write(`[test-vscode] ${line.trimEnd()}\n`);
// The stack the extension drives (etl.stack.mode in the user settings): native unless `--mode compose`,
// which runs tests/typescript/vscode/suite/compose.vscode-test.ts only (it starts and removes the compose stack
// itself).
const modeArg = process.argv.indexOf('--mode');
const mode = modeArg > 0 ? process.argv[modeArg + 1] : 'native';
if (!['native', 'compose'].includes(mode)) throw new Error(`--mode ${mode}: use native or compose`);
const only =
  process.argv.includes('--suite-only') || mode === 'compose'
    ? 'suite'
    : process.argv.includes('--user-only')
      ? 'user'
      : process.argv.includes('--profile-only')
        ? 'profile'
        : 'all';
// `etl.logs.elasticsearchIndex`: a setting of the old `etl.` namespace (its default value), which activation moves
// to `etlSpark.` (the suite checks it).
const settings = { 'etlSpark.stack.mode': mode, 'etl.logs.elasticsearchIndex': 'etl-logs-*' };
// The untrusted-workspace suite (native, after the trusted one; `--untrusted-only` alone): workspace trust on, the
// folder never trusted, no startup prompt, so the window opens in Restricted Mode as for a user who chose so.
const untrusted = process.argv.includes('--untrusted-only') || (mode === 'native' && only === 'all');
const untrustedSettings = {
  ...settings,
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

function sh(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

async function bundleSuite() {
  await build({
    entryPoints: [join(root, 'tests/typescript/vscode/suite/index.ts')],
    outfile: join(suiteOut, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    // DuckDB is a native addon (never bundled): a suite reaching it through core code loads it from node_modules.
    external: ['vscode', 'mocha', ...NATIVE_EXTERNALS],
    logLevel: 'warning',
  });
}

/** Per-run folders, so the tests never touch the checkout's Backup_data/ or ETL_logs/. */
function runEnv(tmp) {
  // One lineage folder for every part: the user scenario's Show Lineage reads the events of the suite's pipeline run.
  const env = {
    ETL_BACKUP_DIR: join(tmp, 'backup'),
    ETL_LOG_DIR: join(tmp, 'logs'),
    ETL_LOCK_DIR: join(tmp, 'locks'),
    ETL_LINEAGE_DIR: process.env.ETL_LINEAGE_DIR || join(dirname(tmp), 'lineage'),
  };
  for (const dir of Object.values(env)) mkdirSync(dir, { recursive: true });
  return env;
}

/** Appends to `file` the address of every page the browser opens (the extension's Open UI commands). */
function recordOpenedPages(page, file) {
  writeFileSync(file, '');
  page.context().on('page', (opened) => {
    opened.on('framenavigated', (frame) => {
      if (frame !== opened.mainFrame() || !frame.url().startsWith('http')) return;
      appendFileSync(file, `${frame.url()}\n`);
      void opened.close().catch(() => undefined);
    });
  });
}

/** One suite in the extension host: `suite` is native, compose or untrusted (tests/typescript/vscode/suite/index.ts).
 */
async function runSuiteInCodeServer(driver, tmp, suite = mode, userSettings = settings) {
  const results = join(tmp, `${suite}-results.json`);
  const opened = join(tmp, `${suite}-opened.txt`);
  const userData = join(tmp, `${suite}-user`);
  driver.prepareUserData(userData, userSettings);
  // The untrusted window sees the manifest and logs the trusted suite left (the same per-run folders).
  const env = {
    ...runEnv(join(tmp, suite === 'untrusted' ? 'native' : suite)),
    ETL_VSCODE_RESULTS: results,
    ETL_VSCODE_SUITE: suite,
    ETL_VSCODE_OPENED: opened,
  };
  const server = await driver.startCodeServer({
    workspace: root,
    userData,
    extensions: join(tmp, `${suite}-ext`),
    env,
  });
  const browser = await driver.launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    recordOpenedPages(page, opened);
    await page.goto(driver.devHostUrl(server, root, root, join(suiteOut, 'index')));
    // Compose mode builds the images (cached layers reused) before its stack is up; the native suite
    // spark-submits transforms (Trigger DAG, Run Pipeline, the Gold suite's pipeline run): minutes each on
    // 2 shared cores.
    const minutes = mode === 'compose' ? 30 : 40;
    const deadline = Date.now() + minutes * 60_000;
    while (!existsSync(results)) {
      if (Date.now() > deadline) throw new Error(`the extension-host suite wrote no results within ${minutes} min`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await capture(page, join(artifacts, `vscode-suite-${suite}-end.png`));
  } finally {
    await browser.close();
    await server.stop();
  }
  const { failures, results: tests } = JSON.parse(readFileSync(results, 'utf8'));
  for (const t of tests)
    log(
      `${t.state === 'passed' ? 'ok  ' : 'FAIL'} ` +
        `${t.title}${t.ms !== undefined ? ` (${t.ms} ms)` : ''}${t.error ? `\n${t.error}` : ''}`,
    );
  if (!tests.length) throw new Error('the suite ran no test');
  return failures;
}

async function resetSampleObjects() {
  await runHelper('resetSample', []);
}

// ETL_VSCODE_ONLY=gold: the Gold tables suite and scenario alone (they need gold written by a pipeline run).
const goldOnly = process.env.ETL_VSCODE_ONLY === 'gold';

async function runUserScenarioWithVsix(driver, tmp) {
  if (!goldOnly) await resetSampleObjects();
  const userData = join(tmp, 'user-user');
  const extensions = join(tmp, 'user-ext');
  driver.prepareUserData(userData, settings);
  log(await driver.installVsix(vsix, { userData, extensions }));
  const env = runEnv(join(tmp, 'user'));
  const server = await driver.startCodeServer({ workspace: root, userData, extensions, env });
  const browser = await driver.launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    if (!goldOnly) {
      const scenario = '../tests/typescript/vscode/driver/unrelatedFolderScenario.mjs';
      const { runUnrelatedFolderScenario } = await import(scenario);
      await runUnrelatedFolderScenario(page, { artifacts, log, server, tmp });
    }
    await page.goto(`${server.url}/?folder=${encodeURIComponent(root)}`);
    const { runUserScenario } = await import('../tests/typescript/vscode/driver/userScenario.mjs');
    if (!goldOnly) await runUserScenario(page, { artifacts, log });
    const { runGoldScenario } = await import('../tests/typescript/vscode/driver/goldScenario.mjs');
    // The user scenario deletes this sample object (Delete… in Buckets): the gold scenario checks what its rows say.
    const deletedRaw = goldOnly ? undefined : 'yellow_tripdata_2024-01.parquet';
    await runGoldScenario(page, { artifacts, log, deletedRaw });
    const { runPreviewScenario } = await import('../tests/typescript/vscode/driver/previewScenario.mjs');
    await runPreviewScenario(page, { artifacts, log, root, env });
    const { runChecksScenario } = await import('../tests/typescript/vscode/driver/checksScenario.mjs');
    await runChecksScenario(page, { artifacts, log, root });
    return 0;
  } catch (error) {
    log(`user scenario failed: ${error.stack ?? error}`);
    return 1;
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** Bundles a driver helper (TypeScript that uses the core) and runs it with `args`; throws when it fails. */
async function runHelper(name, args) {
  const out = join(suiteOut, `${name}.js`);
  await build({
    entryPoints: [join(root, `tests/typescript/vscode/driver/${name}.ts`)],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: NATIVE_EXTERNALS,
    logLevel: 'warning',
  });
  sh(process.execPath, [out, ...args]);
}

/** Every file under `path` (or `path` itself when it is a file). */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * The window's own `local` ports, each free when asked (a fixed block could meet another stack or a process's
 * ephemeral port): under `npm test` the caller's stack runs on .env's ports, and `local` here must be a stack that
 * is down (the Start Stack welcome), not that one.
 */
async function localPorts(driver) {
  const names = ['MINIO_API_PORT', 'MINIO_CONSOLE_PORT', 'SPARK_MASTER_PORT', 'SPARK_MASTER_UI_PORT',
    'SPARK_WORKER_1_UI_PORT', 'SPARK_WORKER_2_UI_PORT', 'SPARK_HISTORY_UI_PORT', 'SPARK_CONNECT_PORT',
    'SPARK_CONNECT_UI_PORT', 'ES_PORT', 'ES_TRANSPORT_PORT', 'AIRFLOW_PORT', 'KIBANA_PORT'];
  const ports = new Set();
  while (ports.size < names.length) ports.add(await driver.freePort());
  const free = [...ports];
  return Object.fromEntries(names.map((name, i) => [name, String(free[i])]));
}

/**
 * The profile scenario: the team's MinIO over TLS (teamMinio.ts), this window on a copy of .env (ETL_ENV_FILE, so
 * the switch never edits the checkout's), the team's profile file, a fresh state folder; afterwards, nothing may
 * have started in it.
 */
async function runProfileScenarioWithVsix(driver, tmp) {
  const work = join(tmp, 'profile');
  mkdirSync(work, { recursive: true });
  const state = join(work, 'client-state');
  mkdirSync(state, { recursive: true });
  const envFile = join(work, 'client.env');
  writeFileSync(envFile, readFileSync(join(root, '.env'), 'utf8').replace(/^\s*(export\s+)?ETL_PROFILE\s*=.*$/gm, ''), {
    mode: 0o600,
  });
  const started = Date.now();
  const userData = join(tmp, 'profile-user');
  const extensions = join(tmp, 'profile-ext');
  driver.prepareUserData(userData, settings);
  // ETL_PROFILE in this process's environment would win over the .env the switch writes: never passed on.
  delete process.env.ETL_PROFILE;
  let server;
  let browser;
  try {
    await runHelper('teamMinio', ['up', work]);
    const team = JSON.parse(readFileSync(join(work, 'team.json'), 'utf8'));
    const key = JSON.parse(readFileSync(join(work, 'key.json'), 'utf8'));
    log(await driver.installVsix(vsix, { userData, extensions }));
    server = await driver.startCodeServer({
      workspace: root,
      userData,
      extensions,
      env: {
        ...runEnv(join(tmp, 'profile-run')),
        ...(await localPorts(driver)),
        ETL_STATE_DIR: state,
        ETL_ENV_FILE: envFile,
        ETL_PROFILES_FILE: team.profilesFile,
      },
    });
    browser = await driver.launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(root)}`);
    const { runProfileScenario } = await import('../tests/typescript/vscode/driver/profileScenario.mjs');
    await runProfileScenario(page, { artifacts, log, team, key, envFile });
    // Nothing was started for this window: no pid file in its state folder.
    const pids = join(state, 'pids');
    const left = existsSync(pids) ? readdirSync(pids) : [];
    if (left.length) throw new Error(`the profile scenario started local services: ${left.join(', ')}`);
    // The secret stays in SecretStorage: not in the env file, the ETL's logs and manifest, nor VS Code's logs.
    const written = [envFile, join(tmp, 'profile-run'), join(userData, 'logs')].flatMap((p) => filesUnder(p));
    const leaks = written.filter((file) => readFileSync(file).includes(key.secretKey));
    if (leaks.length) throw new Error(`the profile secret was written to ${leaks.join(', ')}`);
    log(`ok   the secret is in none of ${written.length} files (env file, ETL logs and manifest, VS Code's logs)`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log(`ok   nothing started locally (${pids} empty); profile scenario in ${seconds} s`);
    return 0;
  } catch (error) {
    log(`profile scenario failed: ${error.stack ?? error}`);
    return 1;
  } finally {
    await browser?.close();
    await server?.stop();
    await runHelper('teamMinio', ['down', work]);
  }
}

async function runWithElectron() {
  const { runTests } = await import('@vscode/test-electron');
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(suiteOut, 'index'),
    launchArgs: [root, '--disable-extensions'],
  });
}

mkdirSync(artifacts, { recursive: true });
// Screenshots of this run only (a failure screenshot of an earlier run would mislead); those of the other mode stay,
// so `npm test`, which runs both, leaves both (the compose suite's are vscode-suite-compose-*).
const takenInCompose = (name) => name.startsWith('vscode-suite-compose-');
for (const name of readdirSync(artifacts))
  if (name.startsWith('vscode-') && /\.(png|txt)$/.test(name) && takenInCompose(name) === (mode === 'compose'))
    rmSync(join(artifacts, name));
sh('npm', ['run', '-s', 'package', '--', '--target', hostTarget]);
await bundleSuite();
const started = Date.now();
if (process.argv.includes('--electron')) {
  await runWithElectron();
} else {
  const driver = await import('../tests/typescript/vscode/driver/codeServer.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'etl-vscode-'));
  let failures = 0;
  try {
    const profileOnly = only === 'profile';
    if (only !== 'user' && !profileOnly && !process.argv.includes('--untrusted-only'))
      failures += await runSuiteInCodeServer(driver, tmp);
    if (untrusted) failures += await runSuiteInCodeServer(driver, tmp, 'untrusted', untrustedSettings);
    if (only !== 'suite' && !profileOnly) failures += await runUserScenarioWithVsix(driver, tmp);
    const allParts = only === 'all' && !process.argv.includes('--untrusted-only');
    if (mode === 'native' && (allParts || profileOnly)) failures += await runProfileScenarioWithVsix(driver, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  log(`${failures ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exitCode = failures ? 1 : 0;
}
