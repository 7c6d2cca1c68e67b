// As a user who has the extension installed opens another repository: a folder with a docker-compose.yml, an
// .env.example and Python (what activated the extension before its activation was scoped to ETL projects). No ETL
// icon in the activity bar, no ETL command in the palette: the extension did not activate there.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture } from './capture.mjs';

// An activity bar item by its label: code-server labels the link inside the item, VS Code the item.
const activityItem = (page, label) =>
  page.locator(
    `.activitybar .action-item a[aria-label^="${label}"], .activitybar .action-item[aria-label^="${label}"]`,
  );

export async function runUnrelatedFolderScenario(page, { artifacts, log, server, tmp }) {
  const folder = join(tmp, 'unrelated-repo');
  mkdirSync(join(folder, 'src'), { recursive: true });
  writeFileSync(join(folder, 'docker-compose.yml'), 'services:\n  web:\n    image: nginx\n');
  writeFileSync(join(folder, '.env.example'), 'PORT=8080\n');
  writeFileSync(join(folder, 'src', 'app.py'), 'print("hello")\n');
  const started = Date.now();
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 180_000 });
  // The Explorer is there; give the extension host time to activate whatever would activate.
  await activityItem(page, 'Explorer').first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(5000);
  const icons = await activityItem(page, 'ETL').count();
  if (icons) throw new Error('the ETL icon shows in a folder that is no ETL Spark project');
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>ETL: ');
  await page.waitForTimeout(1500);
  const commands = await page.locator('.quick-input-list .monaco-list-row', { hasText: /^ETL: / }).count();
  await capture(page, join(artifacts, 'vscode-unrelated-folder.png'));
  await page.keyboard.press('Escape');
  if (commands) throw new Error(`${commands} ETL command(s) in the palette of a folder that is no ETL Spark project`);
  log(`ok   an unrelated folder: no ETL icon, no ETL command in the palette (${Date.now() - started} ms)`);
}
