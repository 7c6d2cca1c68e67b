// As a user, in headless Chromium on code-server with the packaged VSIX: the Gold tables view after a pipeline
// run, Preview Table on fact_trips (a paged grid in a webview), a sort by clicking a header, keyboard paging,
// then a Query Gold… result; screenshots of the grid in the dark and the light theme; Show Lineage from the tree
// and from a grid's column header; Show Source Row on a quarantine row; a query saved as a .sql file, run by its
// Run on Gold lens and by Ctrl+Alt+Enter, its result exported to CSV through the save dialog.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { capture } from './capture.mjs';
import { contextMenuRunner, paletteRunner } from './steps.mjs';

const T = 180_000;

// deletedRaw: a rawzone object the user scenario deleted before (its rows' Show Source Row must say so).
export async function runGoldScenario(page, { artifacts, log, deletedRaw }) {
  const screenshot = async (name) => {
    const file = join(artifacts, `vscode-gold-${name}.png`);
    await capture(page, file);
    log(`screenshot ${file}`);
  };
  const palette = paletteRunner(page);
  const menuItem = contextMenuRunner(page);
  const pick = async (text) => {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-widget input').fill(text);
    await page.keyboard.press('Enter');
  };
  // Rows by their exact label: "Preferences: Color Theme" must not open the marketplace's theme browser, and
  // Enter on a filtered theme list may land on "Browse Additional Color Themes…".
  const exactRow = (label) =>
    page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) })
      .first();
  const theme = async (name) => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
    await exactRow('Preferences: Color Theme').click({ timeout: 30_000 });
    await page.locator('.quick-input-widget input').fill(name);
    await exactRow(name).click({ timeout: 30_000 });
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30_000 });
    await page.waitForTimeout(1500);
  };
  const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
  // A webview is two iframes deep; the visible one is the grid of the active tab.
  const grid = () => page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('iframe#active-frame');
  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      log(`ok   ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      log(`FAIL ${name}: ${error?.message ?? error}`);
      await screenshot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
      throw error;
    }
  };

  await step('the Gold tables view lists the Delta tables with rows and the run that wrote them', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: T });
    const header = page.locator('.pane-header', { hasText: 'Gold tables' });
    // Clicking the active ETL icon would close the sidebar the user scenario left open.
    if (!(await header.isVisible())) {
      await page
        .locator('.activitybar .action-item a[aria-label^="ETL"], .activitybar .action-item[aria-label^="ETL"]')
        .first()
        .click();
    }
    await header.waitFor({ timeout: T });
    // The list renders only the rows that fit: collapse the views the user scenario left open so all
    // nine tables have room.
    for (const title of ['Buckets', 'Backup paths', 'Runs']) {
      const other = page.locator('.pane-header', { hasText: title }).first();
      if ((await other.getAttribute('aria-expanded')) === 'true') await other.click();
    }
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await pane('Gold tables')
      .locator('.monaco-list-row', { hasText: /fact_trips.*39,200 rows · 2 partition\(s\) · v\d+ · by transform-/ })
      .first()
      .waitFor({ timeout: T });
    await pane('Gold tables')
      .locator('.monaco-list-row', { hasText: 'quarantine/rejected_trips' })
      .first()
      .waitFor({ timeout: T });
  });

  await step('Preview Table opens fact_trips as a paged grid', async () => {
    await palette('ETL: Preview Table');
    await pick('fact_trips');
    await grid()
      .locator('#range', { hasText: /rows 1–100 of 39,200/ })
      .waitFor({ timeout: T });
    await grid().locator('th button', { hasText: 'pickup_datetime' }).waitFor({ timeout: T });
  });

  await step('a header click sorts in DuckDB; Page Down pages on', async () => {
    await grid().locator('th button', { hasText: 'total_amount' }).click();
    await grid().locator('th[aria-sort="ascending"] button', { hasText: 'total_amount' }).waitFor({ timeout: T });
    await grid().locator('th button', { hasText: 'total_amount' }).click();
    await grid().locator('th[aria-sort="descending"]').waitFor({ timeout: T });
    await grid().locator('#scroll').focus();
    await page.keyboard.press('PageDown');
    await grid()
      .locator('#range', { hasText: /rows 101–200 of 39,200/ })
      .waitFor({ timeout: T });
    // Back to the first columns (the sort scrolled to total_amount): keys and timestamps in view.
    await grid()
      .locator('#scroll')
      .evaluate((element) => element.scrollTo(0, 0));
  });

  await step('the grid in the dark and in the light theme', async () => {
    await theme('Dark Modern');
    await screenshot('preview-dark');
    await theme('Light Modern');
    await grid()
      .locator('#range', { hasText: /rows 101–200 of 39,200/ })
      .waitFor({ timeout: T });
    await screenshot('preview-light');
  });

  /** ETL: Query Gold… from the palette: the SQL typed over the example query, then "as of" Current accepted. */
  const queryGold = async (sql) => {
    await palette('ETL: Query Gold…', 'Query Gold');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    // The input box (with its example query), not the palette that opened it.
    await page.waitForFunction(
      () => document.querySelector('.quick-input-widget input')?.value.startsWith('SELECT pickup_month'),
      undefined,
      { timeout: 30_000 },
    );
    await input.fill(sql);
    await page.keyboard.press('Enter');
    // Then "as of": Current, the first choice, as a user accepts it.
    // The list is reused: an earlier pick's row stays in the page, hidden.
    const current = page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Current' })
      .filter({ visible: true });
    await current.first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
  };

  await step('Query Gold… shows the quarantine by rule in the same grid', async () => {
    await queryGold('SELECT reject_rule, count(*) AS n FROM quarantine_rejected_trips GROUP BY 1 ORDER BY 2 DESC');
    await grid().locator('td', { hasText: 'non_positive_distance' }).waitFor({ timeout: T });
    await grid()
      .locator('#range', { hasText: /rows 1–4 of 4/ })
      .waitFor({ timeout: T });
    await screenshot('query-light');
    await theme('Dark Modern');
    await screenshot('query-dark');
  });

  await step('hostile names and values reach the grid as text: no element made, no script run', async () => {
    const hostile = `<img src=x onerror="window.etlPwned=1">`;
    await queryGold(`SELECT '${hostile.replaceAll("'", "''")}' AS "<b onmouseover=alert(1)>col</b>", 1 AS n`);
    await grid().locator('td', { hasText: hostile }).waitFor({ timeout: T });
    await grid().locator('th', { hasText: '<b onmouseover=alert(1)>col</b>' }).waitFor({ timeout: T });
    const made = await grid().locator('td img, th b, td b').count();
    if (made) throw new Error(`${made} element(s) made from data in the grid`);
    // The page's title may hold the query (as text); a handler that ran would have set this global.
    const ran = await grid().locator(':root').evaluate(() => globalThis.etlPwned === 1);
    if (ran) throw new Error('a script from the data ran in the grid');
    await screenshot('query-hostile');
  });

  await step('Show Lineage on fact_trips: rawzone objects → clean_and_transform → fact_trips → the marts', async () => {
    const fact = pane('Gold tables').locator('.monaco-list-row', { hasText: /^fact_trips/ }).first();
    await menuItem('Show Lineage', fact);
    const svg = grid().locator('svg[aria-label="Lineage of fact_trips"]');
    await svg.waitFor({ timeout: T });
    const expected = ['clean_and_transform', 'mart_daily_zone', 'mart_hourly_demand', 'yellow_tripdata_2024-01'];
    for (const text of expected)
      await svg.locator('text', { hasText: text }).first().waitFor({ timeout: 30_000 });
    await screenshot('lineage-fact-trips');
  });

  await step('a column of the graph: speed_mph from its raw columns, and its line of code opens', async () => {
    await grid().locator('text.link', { hasText: /^speed_mph/ }).click();
    const svg = grid().locator('svg[aria-label="Lineage of fact_trips.speed_mph"]');
    await svg.waitFor({ timeout: T });
    const raw = ['trip_distance', 'tpep_pickup_datetime', 'tpep_dropoff_datetime'];
    const expected = [...raw, 'mart_hourly_demand.avg_speed_mph'];
    for (const text of expected)
      await svg.locator('text', { hasText: text }).first().waitFor({ timeout: 30_000 });
    await screenshot('lineage-speed-mph');
    await svg.locator('g.focus').click();
    // columns.py opens at the declaration of speed_mph.
    await page.locator('.tab', { hasText: 'columns.py' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: 'col("speed_mph"' }).first().waitFor({ timeout: 30_000 });
  });

  await step("a grid's column header: right-click → Show Lineage (fact_trips.tip_share's raw columns)", async () => {
    await page.locator('.tab', { hasText: 'Gold: fact_trips' }).first().click();
    await menuItem('Show Lineage', grid().locator('th', { hasText: 'tip_share' }).first());
    const svg = grid().locator('svg[aria-label="Lineage of fact_trips.tip_share"]');
    await svg.waitFor({ timeout: T });
    for (const text of ['tip_amount', 'total_amount'])
      await svg.locator('text', { hasText: text }).first().waitFor({ timeout: 30_000 });
  });

  // Sorting by source_path puts one trip file's rows first: ascending the January file's, descending February's.
  const sortBySource = async (order) => {
    const header = grid().locator('th button', { hasText: 'source_path' });
    for (let click = 0; click < 2; click += 1) {
      if (await grid().locator(`th[aria-sort="${order}"] button`, { hasText: 'source_path' }).count()) return;
      await header.click();
      await page.waitForTimeout(500);
    }
    await grid().locator(`th[aria-sort="${order}"] button`, { hasText: 'source_path' }).waitFor({ timeout: T });
  };

  await step('Preview Table on the quarantine: each row number is marked ↗ (its raw row)', async () => {
    await palette('ETL: Preview Table');
    await pick('quarantine_rejected_trips');
    await grid().locator('#range', { hasText: /of 800/ }).waitFor({ timeout: T });
    await grid().locator('td.rowno button.source').first().waitFor({ timeout: T });
  });

  if (deletedRaw) {
    await step('Show Source Row on a row whose raw object was deleted: an error that says what to do', async () => {
      await sortBySource('ascending');
      await grid().locator(`td.rowno button.source[title*="${deletedRaw}"]`).first().click();
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'cannot be read' }).first();
      await toast.waitFor({ timeout: 30_000 });
      const text = await toast.innerText();
      if (!/extract that month again/.test(text)) throw new Error(`the error does not say what to do: ${text}`);
      await screenshot('source-row-missing');
      await page.keyboard.press('Escape');
    });
  }

  await step('Show Source Row on a quarantine row: its raw row opens beside the grid', async () => {
    await sortBySource('descending');
    const button = grid().locator('td.rowno button.source').first();
    const title = await button.getAttribute('title', { timeout: T });
    const [, index, path] = /row (\d+) of (\S+)$/.exec(title ?? '') ?? [];
    if (!path) throw new Error(`the row number's button says ${JSON.stringify(title)}`);
    await button.click();
    const file = path.slice(path.lastIndexOf('/') + 1);
    await page.locator('.tab', { hasText: `${file} row ${index}` }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: `# Row ${index} of ${file} (` }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: `# ${path}` }).first().waitFor({ timeout: 30_000 });
    await page.locator('.view-line', { hasText: 'tpep_pickup_datetime' }).first().waitFor({ timeout: 30_000 });
    await screenshot('source-row');
  });

  await step('Show Source Row from the context menu of another quarantine row', async () => {
    await page.locator('.tab', { hasText: 'Gold: quarantine_rejected_trips' }).first().click();
    const row = grid().locator('tbody tr').nth(3);
    const title = await row.locator('td.rowno button.source').getAttribute('title', { timeout: T });
    const [, index, path] = /row (\d+) of (\S+)$/.exec(title ?? '') ?? [];
    await menuItem('Show Source Row', row.locator('td').nth(2));
    const file = path.slice(path.lastIndexOf('/') + 1);
    await page.locator('.tab', { hasText: `${file} row ${index}` }).first().waitFor({ timeout: 30_000 });
  });

  // .sql files: a scratch folder inside the workspace (test-artifacts/ is git-ignored), removed at the end.
  const scratch = mkdtempSync(join(artifacts, 'sql-scenario-'));
  try {
    await runSqlFileSteps({ page, step, screenshot, palette, queryGold, grid, scratch });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Query Gold… → the notification's Save as SQL File (a name under the scratch folder) → the .sql file's Run on Gold
 * lens → the grid beside → Export CSV through the save dialog; then the keybinding runs it again.
 */
async function runSqlFileSteps({ page, step, screenshot, palette, queryGold, grid, scratch }) {
  const sql = 'SELECT reject_rule, count(*) AS n FROM quarantine_rejected_trips GROUP BY 1 ORDER BY n DESC';
  const file = join(scratch, 'by-rule.sql');
  const typed = relativeToWorkspace(file);
  const csv = join(scratch, 'by-rule.csv');

  await step('Query Gold… offers Save as SQL File: the query kept in a .sql file with a Run on Gold lens', async () => {
    await palette('View: Close All Editor Groups');
    await palette('Notifications: Clear All Notifications');
    await queryGold(sql);
    await grid().locator('#range', { hasText: /rows 1–4 of 4/ }).waitFor({ timeout: T });
    const toast = page.locator('.notification-toast', { hasText: 'Keep it in a .sql file' }).first();
    await toast.locator('.monaco-button', { hasText: 'Save as SQL File' }).click({ timeout: 30_000 });
    const input = page.locator('.quick-input-widget input');
    const proposed = 'queries/query-quarantine_rejected_trips.sql';
    await page.waitForFunction(
      (name) => document.querySelector('.quick-input-widget input')?.value === name,
      proposed,
      { timeout: 30_000 },
    );
    await input.fill(typed);
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'by-rule.sql' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.codelens-decoration', { hasText: 'Run on Gold' }).first().waitFor({ timeout: 30_000 });
    if (!existsSync(file)) throw new Error(`Save as SQL File wrote no ${file}`);
    await screenshot('sql-codelens');
  });

  await step('the Run on Gold lens opens the result in the grid beside the file', async () => {
    await page.locator('.codelens-decoration a', { hasText: 'Run on Gold' }).first().click();
    await page.locator('.tab', { hasText: 'Query: by-rule.sql:2' }).first().waitFor({ timeout: T });
    await grid().locator('#range', { hasText: /rows 1–4 of 4/ }).waitFor({ timeout: T });
    await grid().locator('td', { hasText: 'non_positive_distance' }).waitFor({ timeout: T });
    await screenshot('sql-result');
  });

  await step('Export CSV: the save dialog, a path typed; the file holds the header and every row', async () => {
    await grid().locator('#exportCsv').click();
    // code-server's own save dialog: a quick input holding the proposed path (the workspace, the query's name).
    const input = page.locator('.quick-input-widget input');
    await page.waitForFunction(
      () => document.querySelector('.quick-input-widget input')?.value.endsWith('query-quarantine_rejected_trips.csv'),
      undefined,
      { timeout: 30_000 },
    );
    await input.fill(csv);
    // The dialog lists the typed folder first (a moment); its OK then saves under the typed name.
    await page.waitForTimeout(1000);
    await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).click();
    await grid().locator('#notice', { hasText: /exported 4 row\(s\) to .*by-rule\.csv/ }).waitFor({ timeout: T });
    const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
    if (lines[0] !== 'reject_rule,n' || lines.length !== 5 || lines[1] !== 'non_positive_distance,400')
      throw new Error(`the exported CSV holds ${JSON.stringify(lines)}`);
    await screenshot('grid-exported-csv');
  });

  await step('Ctrl+Alt+Enter in the .sql editor runs it again (the result tab replaced)', async () => {
    await page.locator('.tab', { hasText: 'by-rule.sql' }).first().click();
    await page.locator('.view-line', { hasText: 'SELECT reject_rule' }).first().click();
    await page.keyboard.press('Control+Alt+Enter');
    // A new grid: the export's notice is gone, the rows are there.
    await grid().locator('#range', { hasText: /rows 1–4 of 4/ }).waitFor({ timeout: T });
    await grid().locator('#notice[hidden]').waitFor({ state: 'attached', timeout: T });
    const tabs = await page.locator('.tab', { hasText: 'Query: by-rule.sql:2' }).count();
    if (tabs !== 1) throw new Error(`${tabs} result tabs for by-rule.sql`);
    await palette('View: Close All Editor Groups');
  });
}

/** The workspace is the checkout (test-artifacts/ is inside it): a path relative to it, with forward slashes. */
const workspace = join(import.meta.dirname, '..', '..', '..', '..');
const relativeToWorkspace = (path) => relative(workspace, path).split(sep).join('/');
