// As a user, in headless Chromium on code-server with the packaged VSIX installed, after the Gold scenario (the
// sample is in gold): make a check of config/checks.yaml too strict in the editor, run the checks from the Testing
// view, and find the failed check, with what it measured, in the Testing view and in the Problems panel at its
// line. The checks file is restored whatever happens.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberedScreenshots, paletteRunner, stepRecorder } from './steps.mjs';

const T = 180_000;
const SHIPPED = 'values: [0, 1, 2, 3, 4, 5, 6]';
const STRICT = 'values: [1, 2]'; // the sample holds other payment types: measured > 0

export async function runChecksScenario(page, { artifacts, log, root }) {
  const screenshot = numberedScreenshots(page, { artifacts, log, prefix: 'checks' });
  const palette = paletteRunner(page);
  const { steps, step } = stepRecorder(log, screenshot);
  const checksFile = join(root, 'config', 'checks.yaml');
  const original = readFileSync(checksFile, 'utf8');
  try {
    await step('open config/checks.yaml and narrow the accepted payment types (a check made too strict)', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input').fill('config/checks.yaml');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'checks.yaml' }).first()
        .waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'checks.yaml' }).waitFor({ timeout: 30_000 });
      await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+H');
      const widget = page.locator('.editor-widget.find-widget');
      await widget.locator('textarea').first().fill(SHIPPED);
      await widget.locator('.replace-part textarea').first().fill(STRICT);
      await page.keyboard.press('Control+Alt+Enter');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      await page.locator('.monaco-editor .view-lines', { hasText: STRICT }).first().waitFor({ timeout: 30_000 });
      await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 30_000 }); // saved
    });

    await step('Test: Run All Tests: the Testing view marks the check failed with what it measured', async () => {
      await palette('Testing: Focus on Test Explorer View');
      await page.locator('.test-explorer .monaco-list-row', { hasText: 'dim_payment_type' }).first()
        .waitFor({ timeout: 60_000 });
      await palette('Test: Run All Tests');
      // The table's group turns failed; opened, its check is the failed one.
      const failedRow = (name) => page.locator('.test-explorer .monaco-list-row')
        .filter({ has: page.locator('.codicon-testing-failed-icon') })
        .filter({ hasText: name });
      await failedRow('dim_payment_type').first().waitFor({ timeout: T });
      await failedRow('dim_payment_type').first().click();
      await page.keyboard.press('ArrowRight');
      await failedRow('dim_payment_type_codes').first().waitFor({ timeout: 30_000 });
      await screenshot('failed-check-in-testing');
    });

    await step('the failed check is in the Problems panel, at its line, with the measured value', async () => {
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'dim_payment_type_codes' }).first();
      await row.waitFor({ timeout: 30_000 });
      const text = (await row.textContent()) ?? '';
      if (!/measured \d+/.test(text)) throw new Error(`the problem does not say what was measured: ${text}`);
      await screenshot('failed-check-in-problems');
    });
  } finally {
    writeFileSync(checksFile, original);
    await palette('File: Revert File').catch(() => undefined);
  }
  return steps;
}
