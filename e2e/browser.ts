/**
 * @file Launches Debian Chromium for end-to-end tests (never a downloaded browser).
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, withTimeout } from '../scripts/chromium.mjs';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** A persistent browser profile in a fresh folder, so IndexedDB and the service worker behave as for a real visitor. */
export interface Lab {
  context: BrowserContext;
  page: Page;
  baseUrl: string;
  close(): Promise<void>;
}

/** Open the lab in a fresh Chromium profile. `path` is appended to the base URL (e.g. `#/data`). */
export async function openLab(options: { url?: string; path?: string } = {}): Promise<Lab> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'benchtop-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  const baseUrl = options.url ?? inject('baseUrl');
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(baseUrl + (options.path ?? ''));
  return {
    context,
    page,
    baseUrl,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Launch a plain browser (no persistent profile). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
}

/** Save a screenshot under e2e/.artifacts for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(process.cwd(), 'e2e', '.artifacts');
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export { withTimeout };
