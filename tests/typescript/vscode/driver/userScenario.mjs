// As a user, in headless Chromium on code-server with the packaged VSIX installed:
// Stop Stack, Buckets' "Start Stack" welcome, each service starting then running, Extract right after
// Start Stack (it waits), then rawzone objects, the run, log lines, a Parquet preview, Delete… with its confirmation;
// the Runs view and the quality report in the light and the dark theme.
import {
  contextMenuRunner,
  extractSampleFromPalette,
  numberedScreenshots,
  paletteRunner,
  stepRecorder,
} from './steps.mjs';

const T = 180_000;

export async function runUserScenario(page, { artifacts, log }) {
  const screenshot = numberedScreenshots(page, { artifacts, log, prefix: 'user' });
  const palette = paletteRunner(page);
  const notification = (text) =>
    page.locator('.notifications-toasts .notification-toast', { hasText: text }).first().waitFor({ timeout: T });
  const menuItem = contextMenuRunner(page);
  const row = (text) => page.locator('.monaco-list-row', { hasText: text }).first();
  const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
  const stackRow = (text) => pane('Stack').locator('.monaco-list-row', { hasText: text }).first();

  const { steps, step } = stepRecorder(log, screenshot);

  await step('the workbench opens on the project; the status bar says the stack is up before any ETL view opens',
    async () => {
      await page.locator('.monaco-workbench').waitFor({ timeout: T });
      // The suite left the stack up; the bar reads it itself (it said "stack ?" until the Stack view was opened).
      await page.locator('.statusbar-item', { hasText: /ETL: stack up \(\d+ services\)/ }).first()
        .waitFor({ timeout: T });
      await screenshot('workbench');
    });

  await step('the ETL sidebar shows the stack, each service with its state', async () => {
    await page
      .locator('.activitybar .action-item a[aria-label^="ETL"], .activitybar .action-item[aria-label^="ETL"]')
      .first()
      .click();
    for (const title of ['MinIO', 'Spark master', 'Elasticsearch']) await stackRow(title).waitFor({ timeout: T });
    await stackRow(/MinIO.*running · pid \d+/).waitFor({ timeout: T });
    await screenshot('sidebar');
  });

  await step('ETL: Stop Stack; Buckets shows the "Start Stack" welcome, not an error', async () => {
    await palette('ETL: Stop Stack');
    await notification(/ETL: stopped .*minio/);
    await stackRow(/MinIO.*stopped/).waitFor({ timeout: T });
    const welcome = pane('Buckets').locator('.welcome-view-content', {
      hasText: 'The stack is down, so MinIO cannot be browsed.',
    });
    await welcome.waitFor({ timeout: T });
    await welcome.locator('.monaco-button', { hasText: 'Start Stack' }).waitFor({ timeout: T });
    if (await pane('Buckets').locator('.monaco-list-row', { hasText: 'cannot reach MinIO' }).count())
      throw new Error('Buckets shows a "cannot reach MinIO" row with the stack down');
    await pane('Gold')
      .locator('.welcome-view-content', { hasText: 'The stack is down, so the gold tables cannot be read.' })
      .waitFor({ timeout: T });
    await pane('Runs').locator('.monaco-list-row', { hasText: 'The stack is down' }).waitFor({
      timeout: T,
    });
    await screenshot('stack-down-buckets-welcome');
  });

  let startingTitle;
  await step('Start Stack from the Buckets welcome: the Stack view shows services starting', async () => {
    await pane('Buckets').locator('.welcome-view-content .monaco-button', { hasText: 'Start Stack' }).click();
    const starting = stackRow(/starting/);
    await starting.waitFor({ timeout: T });
    startingTitle = (await starting.locator('.label-name').first().textContent())?.trim();
    if (!startingTitle) throw new Error('a starting row without a title');
    log(`"${startingTitle}" shows starting`);
    await page.locator('.statusbar-item', { hasText: 'ETL: stack starting' }).first().waitFor({ timeout: T });
    await pane('Buckets')
      .locator('.welcome-view-content', { hasText: 'The stack is starting' })
      .waitFor({ timeout: T });
    // Every view that waits for MinIO says "starting" now, none still "down" (they refresh as the step begins).
    await pane('Gold').locator('.welcome-view-content', { hasText: 'The stack is starting' }).waitFor({ timeout: T });
    // Runs reads Airflow too, so its refresh can end after MinIO already answers: then it has passed "starting"
    // to its rows. Either is right; "down" is not.
    const runsRows = pane('Runs').locator('.monaco-list-row');
    const runsStarting = runsRows.filter({ hasText: 'The stack is starting' });
    const runsPastDown = runsRows.filter({ hasNotText: 'The stack is down' }).first();
    await runsStarting.or(runsPastDown).first().waitFor({ timeout: T });
    if (await runsRows.filter({ hasText: 'The stack is down' }).count())
      throw new Error('Runs still says "The stack is down" after Start Stack');
    log(`Runs shows ${(await runsStarting.count()) ? '"The stack is starting"' : 'its rows (MinIO already answers)'}`);
    await screenshot('stack-starting');
  });

  await step('ETL: Extract right after Start Stack waits for the stack, then extracts the sample', async () => {
    await extractSampleFromPalette(page, palette);
    await notification('waiting for the stack to start');
    await screenshot('extract-waits-for-stack');
    await notification('ETL stack is up');
    await stackRow(new RegExp(`${startingTitle}.*running`)).waitFor({ timeout: T });
    await notification(/ETL: extracted \d+ file\(s\) in run extract-/);
    if (await page.locator('.notifications-toasts .notification-toast', { hasText: 'still running' }).count())
      throw new Error('a "still running" refusal is on screen');
    await screenshot('extracted');
  });

  await step('the new objects are under rawzone', async () => {
    await row('rawzone').click();
    for (const name of ['yellow_tripdata/', 'year=2024/', 'month=01/']) {
      await row(name).waitFor({ timeout: T });
      await row(name).click();
    }
    await row('yellow_tripdata_2024-01.parquet').waitFor({ timeout: T });
    // The driver removed these objects before the run: a date from this run shows they are new.
    const today = new Date().toISOString().slice(0, 10);
    await page
      .locator('.monaco-list-row', { hasText: 'yellow_tripdata_2024-01.parquet' })
      .filter({ hasText: today })
      .first()
      .waitFor({ timeout: T });
    await screenshot('rawzone-objects');
  });

  await step('the run is under Backup paths', async () => {
    await row(/extract-\d{8}T\d{6}Z-[0-9a-f]{6}/).waitFor({ timeout: T });
    await page.locator('.monaco-list-row', { hasText: /today \d\d:\d\d · Extract 2024-01–2024-02 · 3 file\(s\)/ }).first().waitFor({ timeout: T });
    await screenshot('backup-paths');
  });

  await step('a Parquet object previews as schema and rows', async () => {
    // The object's row sits at the bottom edge of the small Buckets pane, cut off: scroll the list as a user
    // would (the mouse wheel over it), then click the row, whole now.
    await pane('Buckets').locator('.monaco-list').first().hover();
    await page.mouse.wheel(0, 200);
    await row('yellow_tripdata_2024-01.parquet').click();
    await page
      .locator('.monaco-editor .view-lines', { hasText: '# Parquet: 20000 rows' })
      .first()
      .waitFor({ timeout: T });
    await page
      .locator('.monaco-editor .view-lines', { hasText: 'tpep_pickup_datetime' })
      .first()
      .waitFor({ timeout: T });
    await screenshot('parquet-preview');
  });

  await step('log lines appear in "ETL Logs"', async () => {
    await palette('ETL: Show Logs');
    await page
      .locator('.panel .monaco-editor .view-lines', { hasText: '[extract] INFO' })
      .first()
      .waitFor({ timeout: T });
    await page
      .locator('.panel .monaco-editor .view-lines', { hasText: 'month 2024-01 uploaded' })
      .first()
      .waitFor({ timeout: T });
    await screenshot('etl-logs');
  });

  await step('Delete… from an object\'s context menu asks, then removes the object', async () => {
    const name = 'yellow_tripdata_2024-01.parquet';
    const object = pane('Buckets').locator('.monaco-list-row', { hasText: name }).first();
    await menuItem('Delete…', object);
    const question = `Delete 1 object(s) at s3a://rawzone/yellow_tripdata/year=2024/month=01/${name}?`;
    const dialog = page.locator('.monaco-dialog-box', { hasText: question });
    await dialog.waitFor({ timeout: T });
    await screenshot('delete-confirmation');
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).first().click();
    await object.waitFor({ state: 'detached', timeout: T });
    await screenshot('deleted');
  });

  // The Runs view and the quality report in code-server's default theme (light), then the dark one.
  const report = () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');

  await step('the Runs view lists the runs for people: when, what, outcome', async () => {
    await page.keyboard.press('Escape');
    const header = page.locator('.pane-header', { hasText: 'Runs' }).first();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const runsRow = (text) => pane('Runs').locator('.monaco-list-row', { hasText: text }).first();
    await runsRow(/(today|yesterday) \d\d:\d\d · (Pipeline|Extract|Transform|Airflow)/).waitFor({ timeout: T });
    await runsRow(/ kept, [\d,]+ rejected/).waitFor({ timeout: T });
    await screenshot('runs-view-light');
  });

  await step('ETL: Open Quality Report shows totals and rejected rows per rule, keyboard reachable', async () => {
    await palette('ETL: Open Quality Report');
    await report().locator('h2', { hasText: 'Rejected rows per rule' }).waitFor({ timeout: T });
    await report().locator('svg.bars rect.bar').first().waitFor({ timeout: T });
    await report().locator('#compare, p.muted').first().focus();
    await screenshot('quality-report-light');
    if ((await report().locator('#compare option').count()) > 1) {
      await report().locator('#compare').selectOption({ index: 1 });
      await report().locator('th', { hasText: 'vs previous' }).first().waitFor({ timeout: T });
      await screenshot('quality-report-compare-light');
    }
  });

  await step('dark theme: the Runs view and the quality report follow it', async () => {
    const light = await page.locator('.monaco-workbench').getAttribute('class');
    await palette('Preferences: Toggle between Light/Dark Themes');
    await page.waitForFunction((before) => document.querySelector('.monaco-workbench')?.className !== before, light,
      { timeout: 30_000 });
    await report().locator('h2', { hasText: 'Totals' }).waitFor({ timeout: T });
    await page.waitForTimeout(1500);
    await screenshot('runs-and-quality-report-dark');
  });
  return steps;
}
