// Types of the parts of codeServer.mjs that TypeScript tests import (tests/typescript/webview).
import type { Browser } from 'playwright-core';

export const CHROMIUM_FLAGS: string[];
/** Headless Debian Chromium (/usr/bin/chromium, installed by `etl setup --tests`) with CHROMIUM_FLAGS. */
export function launchBrowser(): Promise<Browser>;
