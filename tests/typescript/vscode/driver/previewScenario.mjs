// As a user, in headless Chromium on code-server with the packaged VSIX installed, after the Gold scenario: edit a
// rule of the transform in the editor, click Preview Change in the editor's title, read the "Change preview" panel
// (screenshots in the light and the dark theme), open the rows behind a count with the keyboard, then break the rule
// and find the error in the Problems panel, then run ETL: Transform with it and find the transform's error there too.
// rules.py is restored whatever happens.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extractSampleFromPalette, numberedScreenshots, paletteRunner, stepRecorder } from './steps.mjs';

const T = 300_000; // the first preview may start the dev session (with its warm-up)
const RULE_COLUMN = 'F.col("trip_distance") <= 0)';

export async function runPreviewScenario(page, { artifacts, log, root, env }) {
  const screenshot = numberedScreenshots(page, { artifacts, log, prefix: 'preview' });
  const palette = paletteRunner(page);
  const { steps, step } = stepRecorder(log, screenshot);
  const rules = join(root, 'src', 'etl', 'transform', 'rules.py');
  const original = readFileSync(rules, 'utf8');
  const webview = () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  const dark = async () => /\bvs-dark\b/.test((await page.locator('.monaco-workbench').getAttribute('class')) ?? '');
  /** Replaces `find` by `replace` in the open editor with the Find/Replace widget, as a user would. */
  const replaceInEditor = async (find, replace) => {
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+H');
    const widget = page.locator('.editor-widget.find-widget');
    await widget.locator('textarea').first().fill(find);
    await widget.locator('.replace-part textarea').first().fill(replace);
    await page.keyboard.press('Control+Alt+Enter');
    await page.keyboard.press('Escape');
  };

  try {
    await step('ETL: Extract the sample again (a preview reads the last extraction by default)', async () => {
      await page.keyboard.press('Escape');
      await extractSampleFromPalette(page, palette);
      await page.locator('.notifications-toasts .notification-toast', { hasText: /ETL: extracted \d+ file/ })
        .first().waitFor({ timeout: T });
    });

    await step('open rules.py and raise the distance a trip needs (an edit)', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('src/etl/transform/rules.py');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'rules.py' }).first()
        .waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'rules.py' }).waitFor({ timeout: 30_000 });
      await replaceInEditor(RULE_COLUMN, 'F.col("trip_distance") <= 0.5)');
      await page.locator('.monaco-editor .view-lines', { hasText: 'F.col("trip_distance") <= 0.5)' })
        .first().waitFor({ timeout: 30_000 });
      await screenshot('rule-edited');
    });

    await step('Preview Change from the editor title: the panel shows the diff, nothing published', async () => {
      await page.locator('.editor-actions .action-label[aria-label="Preview Change"]').first().click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'previewing your change' })
        .first().waitFor({ timeout: 60_000 });
      await webview().locator('h1', { hasText: 'Change preview' }).waitFor({ timeout: T });
      await webview().locator('h2', { hasText: 'quarantine/rejected_trips' }).waitFor({ timeout: T });
      await webview().locator('.published', { hasText: 'Nothing was published' }).waitFor({ timeout: T });
      await webview().locator('button[aria-label*="more rows rejected by non_positive_distance"]')
        .waitFor({ timeout: T });
      await screenshot(`change-preview-${(await dark()) ? 'dark' : 'light'}`);
    });

    await step('the count opens its rows in the data grid, from the keyboard', async () => {
      const count = webview().locator('button[aria-label*="more rows rejected by non_positive_distance"]');
      const added = Number((await count.textContent()).replace(/[^\d]/g, ''));
      await count.focus();
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'added to non_positive_distance' }).first().waitFor({ timeout: T });
      const grid = page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
      const range = new RegExp(`of ${added.toLocaleString('en-US')}\\b`);
      await grid.locator('#range', { hasText: range }).waitFor({ timeout: T });
      await grid.locator('tbody tr td', { hasText: 'non_positive_distance' }).first().waitFor({ timeout: T });
      log(`the +${added} count opened ${added} rejected rows`);
      await screenshot('rows-behind-the-count');
      await page.keyboard.press('Control+W'); // the grid closes; the panel is the last webview again
      await page.locator('.tab', { hasText: 'added to non_positive_distance' }).waitFor({ state: 'detached' });
    });

    await step('the panel follows the other theme', async () => {
      const before = await dark();
      // The palette from a text editor: a key pressed while a webview has the focus may not reach the workbench.
      await page.locator('.tab', { hasText: 'rules.py' }).first().click();
      await palette('Preferences: Toggle between Light/Dark Themes');
      // Runs in the page: no closure over this module's functions.
      const themeChanged = (was) =>
        /\bvs-dark\b/.test(document.querySelector('.monaco-workbench')?.className ?? '') !== was;
      await page.waitForFunction(themeChanged, before, { timeout: 30_000 });
      await page.locator('.tab', { hasText: 'Change preview' }).first().click();
      await webview().locator('h1', { hasText: 'Change preview' }).waitFor({ timeout: T });
      await page.waitForTimeout(1000);
      await screenshot(`change-preview-${(await dark()) ? 'dark' : 'light'}`);
    });

    await step('a wrong column in the rule: the error is in the Problems panel at its line', async () => {
      await page.locator('.tab', { hasText: 'rules.py' }).first().click();
      await replaceInEditor('F.col("trip_distance") <= 0.5)', 'F.col("trip_distanc") <= 0.5)');
      await palette('ETL: Preview Change');
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'Preview Change failed' })
        .first().waitFor({ timeout: T });
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'trip_distanc' }).first()
        .waitFor({ timeout: 30_000 });
      await screenshot('problem-at-its-line');
    });

    await step('ETL: Transform with that rule: first it names the run killed before it, then the Spark error is '
      + 'in the Problems panel at rules.py', async () => {
      await page.locator('.tab', { hasText: 'rules.py' }).first().click();
      const dead = leaveDeadRunMarker(root, env);
      await palette('ETL: Transform');
      // The driver reads the marker under the transform lock, before Spark starts (etl.transform.unfinished).
      await page.locator('.notifications-toasts .notification-toast',
        { hasText: `run ${dead} (started 2026-12-06T04:00:00+00:00), ended without finishing during its write phase` })
        .first().waitFor({ timeout: 120_000 });
      await screenshot('previous-run-unfinished');
      // The run's own entry (source "ETL: Transform"), beside Preview Change's: the transform's analysis error.
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'rules.py' })
        .first().waitFor({ timeout: 180_000 });
      // The run showed ETL Logs in the panel: the Problems tab, as a user clicks it (again if the log stream's
      // start brought its channel back to the front meanwhile).
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'ETL: Transform' })
        .filter({ hasText: 'trip_distanc' }).first();
      const end = Date.now() + 30_000;
      for (;;) {
        await page.locator('.part.panel [role="tab"]', { hasText: 'Problems' }).first().click();
        if (await row.waitFor({ timeout: 3000 }).then(() => true, () => false)) break;
        if (Date.now() > end) await row.waitFor({ timeout: 1 }); // fails with the locator in its message
      }
      await screenshot('transform-error-in-problems');
    });
  } finally {
    writeFileSync(rules, original);
    await palette('File: Revert File').catch(() => undefined);
  }
  return steps;
}

/**
 * The marker a transform keeps beside its lock while it runs, as one killed with its whole process group leaves it
 * (tests/python/faults/test_transform_faults.py kills a real one; here only what the user then sees is tested).
 * The path comes from the ETL's own code (lock folder, gold bucket, .env), in code-server's environment (`env`: its
 * per-run folders). Returns the dead run's id.
 */
function leaveDeadRunMarker(root, codeServerEnv) {
  const cli = join(root, 'dist', 'cli.js');
  const python = execFileSync('node', [cli, 'which', 'python'], { cwd: root }).toString().trim();
  const code = 'from etl.config import load_settings\nfrom etl.transform.unfinished import marker_path\n'
    + 'print(marker_path(load_settings().gold_bucket))';
  const env = { ...process.env, ...codeServerEnv, PYTHONPATH: join(root, 'src') };
  const marker = execFileSync(python, ['-c', code], { cwd: root, env }).toString().trim();
  const runId = 'transform-20261206T040000Z-dead01';
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, JSON.stringify({ run_id: runId, started_at: '2026-12-06T04:00:00+00:00', pid: 2147483647,
    phase: 'write', written: ['fact_trips'] }));
  return runId;
}
