import { join } from 'node:path';
import { capture } from './capture.mjs';

/**
 * A scenario's named steps: each is timed and logged; a failing one is recorded, screenshotted and rethrown.
 * `steps` is what the scenario returns (the runner prints it).
 */
export function stepRecorder(log, screenshot) {
  const steps = [];
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true, ms: Date.now() - started });
      log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      steps.push({ name, ok: false, ms: Date.now() - started, error: String(error?.message ?? error) });
      log(`FAIL ${name}: ${error?.message ?? error}`);
      await screenshot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw error;
    }
  };
  return { steps, step };
}

/** Screenshots named `vscode-<prefix>-NN-<name>.png` in the order taken, each path logged. */
export function numberedScreenshots(page, { artifacts, log, prefix }) {
  let shot = 0;
  return async (name) => {
    shot += 1;
    const file = join(artifacts, `vscode-${prefix}-${String(shot).padStart(2, '0')}-${name}.png`);
    await capture(page, file);
    log(`screenshot ${file}`);
    return file;
  };
}

/** Runs a command from the palette (F1) as a user would: types its title, waits for the row, presses Enter. */
export function paletteRunner(page) {
  return async (title, hasText = title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    // A key pressed while a webview takes the focus can be lost: press once more if the palette did not open.
    const opened = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (!opened) await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
  };
}

/** Right-clicks `target` and picks `title` from its context menu. */
export function contextMenuRunner(page) {
  return async (title, target) => {
    await target.click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-label', { hasText: title }).first();
    await item.click();
    // A click that lands while the menu is still laying out only highlights the item: Enter runs it.
    await page.waitForTimeout(500);
    if (await item.isVisible()) await page.keyboard.press('Enter');
  };
}

/** ETL: Extract from the palette with its defaults, as a user accepts them: the sample's months, source Sample. */
export async function extractSampleFromPalette(page, palette) {
  await palette('ETL: Extract');
  const input = page.locator('.quick-input-widget input');
  await page.waitForFunction(
    // eslint-disable-next-line no-undef -- runs in the page
    () => document.querySelector('.quick-input-widget input')?.value === '2024-01..2024-02',
    undefined,
    { timeout: 30_000 },
  );
  await input.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Sample' }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
}
