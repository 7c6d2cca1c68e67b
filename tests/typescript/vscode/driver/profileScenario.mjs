// As a user, in headless Chromium on code-server with the packaged VSIX installed, against "the team's cluster"
// (a MinIO over TLS from a test-made CA, started by teamMinio.ts): ETL: Switch Profile from the status bar's
// quick pick, the status bar and its tooltip, the missing key said with its variable names, ETL: Set Profile Secret
// (SecretStorage), the Buckets view listing the team's buckets and previewing an object, the Stack view showing S3
// as external without Start/Stop, an external S3 that does not answer (never "Start Stack"), and back to local.
import { readFileSync, writeFileSync } from 'node:fs';
import { numberedScreenshots, paletteRunner, stepRecorder } from './steps.mjs';

const T = 90_000;

export async function runProfileScenario(page, { artifacts, log, team, key, envFile }) {
  const screenshot = numberedScreenshots(page, { artifacts, log, prefix: 'profile' });
  const quickInput = page.locator('.quick-input-widget input');
  const palette = paletteRunner(page);
  /** The quick pick row whose label is exactly `label` (a "$(check)" icon before it allowed). */
  const pickRow = (label) =>
    page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
      .first();
  const pick = async (label) => {
    await pickRow(label).waitFor({ timeout: 30_000 });
    await pickRow(label).click();
  };
  const profileItem = (name) =>
    page.locator('.statusbar-item', { hasText: new RegExp(`^\\s*${name}\\s*$`) }).first();
  const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header', { hasText: title }) });
  const paneRow = (title, text) => pane(title).locator('.monaco-list-row', { hasText: text }).first();
  const notification = (text) =>
    page.locator('.notifications-toasts .notification-toast', { hasText: text }).first().waitFor({ timeout: T });
  /** The inline action titles a row shows on hover (Start, Stop, Open UI…). */
  const inlineActions = async (row) => {
    await row.hover();
    await page.waitForTimeout(300);
    return row.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  };
  const switchTo = async (name) => {
    await palette('ETL: Switch Profile');
    await pick(name);
    await profileItem(name).waitFor({ timeout: T });
  };

  const { steps, step } = stepRecorder(log, screenshot);
  const { rawzone, gold } = team.buckets;

  await step('the workbench opens; the status bar shows the local profile', async () => {
    await page.locator('.monaco-workbench').waitFor({ timeout: T });
    await profileItem('local').waitFor({ timeout: T });
    await page
      .locator('.activitybar .action-item a[aria-label^="ETL"], .activitybar .action-item[aria-label^="ETL"]')
      .first()
      .click();
    await paneRow('Stack', 'MinIO').waitFor({ timeout: T });
    // A wider sidebar, so the screenshots show the rows' endpoints and errors whole.
    const box = await page.locator('.part.sidebar').boundingBox();
    if (box) {
      await page.mouse.move(box.x + box.width + 1, box.y + 300);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width + 300, box.y + 300, { steps: 5 });
      await page.mouse.up();
    }
    await screenshot('local');
  });

  await step('clicking the profile in the status bar opens ETL: Switch Profile with the file\'s profiles', async () => {
    await profileItem('local').click();
    for (const name of ['local', 'team', 'team-offline']) await pickRow(name).waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-list .monaco-list-row', { hasText: "the team's MinIO over TLS" }).first()
      .waitFor({ timeout: 30_000 });
    await screenshot('switch-quick-pick');
    await pick('team');
    await profileItem('team').waitFor({ timeout: T });
  });

  await step('without its key, Buckets names the variables and Set Profile Secret, never Start Stack', async () => {
    await paneRow('Buckets', /needs TEAM_S3_ACCESS_KEY and TEAM_S3_SECRET_KEY/).waitFor({ timeout: T });
    await paneRow('Buckets', /Set Profile Secret/).waitFor({ timeout: T });
    if (await pane('Buckets').locator('.monaco-button', { hasText: 'Start Stack' }).count())
      throw new Error('Buckets offers Start Stack for an external S3');
    await screenshot('team-without-key');
  });

  await step('ETL: Set Profile Secret stores the key in SecretStorage (a pick of the profile\'s names)', async () => {
    for (const [name, value] of [['TEAM_S3_ACCESS_KEY', key.accessKey], ['TEAM_S3_SECRET_KEY', key.secretKey]]) {
      await palette('ETL: Set Profile Secret');
      await pickRow('TEAM_S3_SECRET_KEY').waitFor({ timeout: 30_000 });
      if (name === 'TEAM_S3_SECRET_KEY') await screenshot('secret-names');
      await pick(name);
      await page.locator('.quick-input-widget', { hasText: `Value of ${name}` }).waitFor({ timeout: 30_000 });
      const type = await quickInput.getAttribute('type');
      if (type !== 'password') throw new Error(`the value input is type=${type}, not a password box`);
      await quickInput.fill(value);
      await page.keyboard.press('Enter');
      await notification(`${name} stored in VS Code SecretStorage`);
    }
  });

  await step('the Buckets view lists the team\'s buckets, and an object previews', async () => {
    await paneRow('Buckets', rawzone).waitFor({ timeout: T });
    await paneRow('Buckets', gold).waitFor({ timeout: T });
    await paneRow('Buckets', rawzone).click();
    await paneRow('Buckets', 'team/').waitFor({ timeout: T });
    await paneRow('Buckets', 'team/').click();
    await paneRow('Buckets', 'trips.csv').waitFor({ timeout: T });
    await paneRow('Buckets', 'trips.csv').click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'VendorID' }).first().waitFor({ timeout: T });
    await screenshot('team-buckets-preview');
  });

  await step('ETL: Extract through the profile: the key reaches the extractor from SecretStorage alone', async () => {
    // VS Code's environment has no TEAM_S3_* variable and the env file none: the child process gets them from
    // SecretStorage (stepEnv), and uploads to the team's MinIO over TLS.
    await palette('ETL: Extract');
    // The months box opens with the sample's range (the function runs in the page).
    await page.waitForFunction(
      () => globalThis.document.querySelector('.quick-input-widget input')?.value?.includes('2024-01'),
      undefined,
      { timeout: 30_000 },
    );
    await quickInput.fill('2024-01');
    await quickInput.press('Enter');
    await pick('Sample');
    await notification(/ETL: extracted \d+ file\(s\) in run extract-/);
    await paneRow('Buckets', 'yellow_tripdata/').waitFor({ timeout: T });
    await screenshot('team-extracted');
  });

  await step('the Stack view shows S3 external with its endpoint, no Start/Stop; local rows keep theirs', async () => {
    const s3 = paneRow('Stack', `external · ${team.endpoint}`);
    await s3.waitFor({ timeout: T });
    await pane('Stack').locator('.monaco-list-row', { hasText: 'S3 (profile team)' }).first().waitFor({ timeout: T });
    if (await pane('Stack').locator('.monaco-list-row', { hasText: 'MinIO' }).count())
      throw new Error('the Stack view still lists a local MinIO under a profile whose S3 is external');
    const external = await inlineActions(s3);
    if (external.some((a) => /^(Start|Stop)/.test(a ?? ''))) throw new Error(`external S3 row actions: ${external}`);
    // The control: a local row of the same view does show Start (so the check above can see an action).
    const master = await inlineActions(paneRow('Stack', 'Spark master'));
    if (!master.some((a) => /^Start/.test(a ?? ''))) throw new Error(`the local Spark master row lacks Start: ${master}`);
    await s3.hover();
    await screenshot('stack-external-s3');
  });

  await step('the status bar tooltip says where each service is', async () => {
    await profileItem('team').hover();
    const tooltip = page.locator('.monaco-hover, .workbench-hover', { hasText: `S3: external · ${team.endpoint}` });
    await tooltip.first().waitFor({ timeout: 30_000 });
    await screenshot('status-bar-tooltip');
    await page.mouse.move(700, 450);
  });

  await step('every service external: the Stack view lists them, Start Stack says nothing local to start', async () => {
    await switchTo('team-all');
    for (const title of ['S3 (profile team-all)', 'Spark master (profile team-all)', 'Elasticsearch', 'Airflow'])
      await pane('Stack').locator('.monaco-list-row', { hasText: title }).filter({ hasText: 'external ·' }).first()
        .waitFor({ timeout: T });
    if (await pane('Stack').locator('.monaco-list-row', { hasText: /stopped/ }).count())
      throw new Error('the Stack view lists a stopped local service the profile places elsewhere');
    await palette('ETL: Start Stack');
    await notification(/nothing local to start: profile "team-all" places S3 \(https:/);
    await page.locator('.statusbar-item', { hasText: 'ETL: nothing local' }).first().waitFor({ timeout: T });
    await screenshot('all-external-start-stack');
  });

  await step('an external S3 that does not answer: the endpoint and what to check, never Start Stack', async () => {
    await switchTo('team-offline');
    await paneRow('Buckets', /S3 of profile "team-offline" at https:\/\/127\.0\.0\.1:\d+ does not answer/)
      .waitFor({ timeout: T });
    await paneRow('Buckets', /nothing here starts it: check s3.endpoint/).waitFor({ timeout: T });
    if (await pane('Buckets').locator('.monaco-button', { hasText: 'Start Stack' }).count())
      throw new Error('Buckets offers Start Stack for an external S3 that does not answer');
    await paneRow('Stack', /S3 \(profile team-offline\)/).waitFor({ timeout: T });
    // Runs names the same S3 the same way (not "cannot reach MinIO", not "start the stack").
    await paneRow('Runs', /quality reports not read: S3 of profile "team-offline" .*does not answer/)
      .waitFor({ timeout: T });
    await screenshot('team-offline');
  });

  await step('.env edited outside VS Code (as `etl profile use team` does): the window follows', async () => {
    const text = readFileSync(envFile, 'utf8').replace(/^ETL_PROFILE=.*$/m, 'ETL_PROFILE=team');
    writeFileSync(envFile, text);
    await profileItem('team').waitFor({ timeout: T });
    await paneRow('Buckets', rawzone).waitFor({ timeout: T });
    await screenshot('env-edited-team');
  });

  await step('an unknown profile in .env: a warning in the status bar, the reason, and the way out', async () => {
    writeFileSync(envFile, readFileSync(envFile, 'utf8').replace(/^ETL_PROFILE=.*$/m, 'ETL_PROFILE=nosuch'));
    await profileItem('nosuch').waitFor({ timeout: T });
    await paneRow('Stack', /Cannot read the project: ETL_PROFILE=nosuch, but .* has no profile "nosuch"/)
      .waitFor({ timeout: T });
    await profileItem('nosuch').hover();
    await page.locator('.monaco-hover, .workbench-hover', { hasText: 'has no profile "nosuch"' }).first()
      .waitFor({ timeout: 30_000 });
    await screenshot('unknown-profile');
    await page.mouse.move(700, 450);
  });

  await step('back to local: the status bar, the local MinIO row (stopped) and the Start Stack welcome', async () => {
    await switchTo('local');
    await paneRow('Stack', /MinIO.*stopped/).waitFor({ timeout: T });
    if (await pane('Stack').locator('.monaco-list-row', { hasText: 'external ·' }).count())
      throw new Error('an external row stayed after switching to local');
    await pane('Buckets').locator('.welcome-view-content .monaco-button', { hasText: 'Start Stack' })
      .waitFor({ timeout: T });
    await screenshot('back-to-local');
  });
  return steps;
}
