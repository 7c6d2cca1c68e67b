import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Mocha is loaded from the project's node_modules at run time (not bundled: it requires its own files dynamically).
import Mocha from 'mocha';

/**
 * Entry point VS Code calls inside the extension host (code-server's `extensionTestsPath`
 * payload, or @vscode/test-electron). Writes the results to $ETL_VSCODE_RESULTS so the
 * driver, which sees only the browser, can read them.
 */
export async function run(): Promise<void> {
  // ETL_VSCODE_GREP runs only the tests whose title matches (a developer's loop; npm test runs all).
  const grep = process.env.ETL_VSCODE_GREP || undefined;
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: false, reporter: 'spec', grep });
  mocha.suite.emit('pre-require', globalThis, 'extension.vscode-test', mocha);
  // The native suite, the compose one (scripts/test-vscode.mjs --mode compose) or the untrusted-workspace one.
  const suite = process.env.ETL_VSCODE_SUITE;
  /* eslint-disable @typescript-eslint/no-require-imports -- each suite registers its tests when loaded */
  if (suite === 'compose') require('./compose.vscode-test');
  else if (suite === 'untrusted') require('./untrusted.vscode-test');
  else {
    // ETL_VSCODE_ONLY=gold runs the Gold tables suite alone (it runs the pipeline itself).
    if (process.env.ETL_VSCODE_ONLY !== 'gold') {
      require('./extension.vscode-test');
      require('./runs.vscode-test');
    }
    require('./gold.vscode-test');
    // After Gold: it previews against the sample that suite published.
    require('./preview.vscode-test');
    // After Gold too: `etl check` on the sample it published (every shipped check passes).
    require('./checks.vscode-test');
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const results: { title: string; state: string; error?: string; ms?: number }[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) =>
      results.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? String(err) }),
    );
  });
  const file = process.env.ETL_VSCODE_RESULTS ?? join(__dirname, 'results.json');
  writeFileSync(file, JSON.stringify({ failures, results }, null, 2));
  if (failures) throw new Error(`${failures} extension-host test(s) failed`);
}
