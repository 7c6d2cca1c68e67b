// Every webview page of the extension, built by its real builder with hostile names and values, run in headless
// Chromium with its real media script and CSP: nothing from data runs, every hostile text shows as text.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM } from '../../../extension/core/setup/vscodeTools';
import type { WebviewHost } from '../../../extension/core/webview/page';
import { hostilePages, type HostilePage } from '../helpers/hostilePages';
import { launchBrowser } from '../vscode/driver/codeServer.mjs';

const ROOT = join(__dirname, '..', '..', '..');
const MEDIA = join(ROOT, 'media');
const PROBE = join(ROOT, 'tests', 'typescript', 'webview', 'pageProbe.js');
// The page and the extension's media folder at one https origin, as VS Code serves a webview's resources.
const ORIGIN = 'https://webview.test';
const host: WebviewHost = {
  nonce: randomBytes(16).toString('base64'),
  cspSource: ORIGIN,
  media: (file) => `${ORIGIN}/media/${file}`,
};

interface Probe {
  pwned: unknown;
  acquired: number;
  posted: unknown[];
  violations: string[];
  scripts: { src: string; nonce: string; text: string }[];
  handlers: string[];
  tags: string[];
  javascriptUrls: string[];
  text: string;
  rows: number;
}

const inspect = (tab: Page) => tab.evaluate('window.__probe.inspect()') as Promise<Probe>;

/** Polls the page from outside (no eval inside it, which its CSP forbids) until `done` holds. */
async function until(tab: Page, what: string, done: (probe: Probe) => boolean, ms = 10_000): Promise<Probe> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 50))) {
    const probe = await inspect(tab);
    if (done(probe)) return probe;
    if (Date.now() > end) assert.fail(`${what} within ${ms} ms: ${JSON.stringify(probe).slice(0, 400)}`);
  }
}

/** Serves each page at /<index>.html and media/ from the checkout; records every other request. */
async function serve(context: BrowserContext, pages: HostilePage[], strays: string[]): Promise<void> {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const page = /^\/(\d+)\.html$/.exec(url.pathname);
    const file = /^\/media\/([\w.-]+)$/.exec(url.pathname);
    if (url.origin === ORIGIN && page) return route.fulfill({ contentType: 'text/html', body: pages[+page[1]].html });
    if (url.origin === ORIGIN && file && existsSync(join(MEDIA, file[1])))
      return route.fulfill({ path: join(MEDIA, file[1]) });
    if (url.pathname !== '/favicon.ico') strays.push(url.href);
    return route.abort();
  });
}

/** Opens a page; the grid gets its messages the way GridPanel posts them, once its script said `ready`. */
async function open(context: BrowserContext, page: HostilePage, index: number, errors: string[]): Promise<Page> {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => errors.push(`${page.name}: ${error.message}`));
  await tab.goto(`${ORIGIN}/${index}.html`);
  await until(tab, 'the page script started', (probe) => probe.acquired === 1);
  for (const message of page.messages ?? []) await tab.evaluate(`window.__probe.post(${JSON.stringify(message)})`);
  return tab;
}

describe('webviews run no script from data', () => {
  let browser: Browser;
  let context: BrowserContext;
  const pages = hostilePages(host);
  const strays: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is not installed (${CHROMIUM}): run \`node dist/cli.js setup --tests\``);
    browser = await launchBrowser();
    context = await browser.newContext();
    await context.addInitScript({ path: PROBE });
    await serve(context, pages, strays);
  });
  after(async () => browser?.close());

  pages.forEach((page, index) => {
    test(page.name, async () => {
      strays.length = 0;
      const errors: string[] = [];
      const tab = await open(context, page, index, errors);
      const shown = await inspect(tab);
      assert.equal(shown.pwned, undefined, 'a script from data ran');
      assert.deepEqual(shown.scripts, [{ src: host.media(page.script), nonce: host.nonce, text: '' }], 'one script');
      assert.deepEqual(shown.handlers, [], 'an event-handler attribute');
      assert.deepEqual(shown.tags, [], 'a tag from data');
      assert.deepEqual(shown.javascriptUrls, [], 'a javascript: URL');
      for (const text of page.visible) assert.ok(shown.text.includes(text), `not shown as text: ${text}`);
      if (page.messages) assert.equal(shown.rows, 3, 'the grid script drew every row');

      await tab.evaluate('window.__probe.interact()');
      const clicked = await inspect(tab);
      assert.equal(clicked.pwned, undefined, 'a click ran a script from data');
      assert.ok(clicked.posted.length > shown.posted.length, 'the page script answered no click');
      assert.deepEqual(errors, [], 'the page script failed on the data');
      assert.deepEqual(clicked.violations, [], 'the page itself broke its CSP');

      // Were escaping ever to fail, the CSP would still refuse: an inline handler, an inline script.
      await tab.evaluate('window.__probe.tryInjection()');
      const injected = await until(tab, 'both refusals reported', (probe) =>
        probe.violations.length >= 2 || probe.pwned !== undefined, 5_000);
      assert.equal(injected.pwned, undefined, 'the CSP let injected markup run');
      assert.ok(injected.violations.every((v) => v.startsWith('script-src') || v.startsWith('img-src')));
      assert.deepEqual(strays, [], 'a request outside the page and its media');
      await tab.close();
    });
  });
});
