/**
 * Headless Chromium for the report tests, driven by playwright-core: Debian's
 * /usr/bin/chromium (installed by .ci/run), flags that keep it off the network,
 * a fresh profile per launch. Every request that is not the report's own file
 * is refused and recorded, so a report that needs the network fails its test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BOUNDWISE_CHROMIUM || '/usr/bin/chromium';

/** Where screenshots go: a stable path a person can open after the run. */
export const SCREENSHOTS = resolve(process.env.BOUNDWISE_SCREENSHOTS || '.bench-results/screenshots');

/** Why the browser tests must skip, or undefined when Chromium is there. */
export function skipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `Chromium is not installed at ${CHROMIUM} (.ci/run installs Debian's chromium package); the HTML report browser tests are skipped`;
}

export interface Opened {
  page: Page;
  /** Console errors and uncaught page errors. */
  errors: string[];
  /** Requests refused because they left the file. */
  refused: string[];
}

/** One Chromium with a fresh profile directory (removed on close). */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'boundwise-chromium-'));
  // A persistent context is how playwright takes a --user-data-dir of our choosing: a fresh, empty one.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function open(context: BrowserContext, file: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const refused: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const href = pathToFileURL(file).href;
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === href) return route.continue();
    refused.push(url);
    return route.abort();
  });
  await page.goto(href, { waitUntil: 'load' });
  return { page, errors, refused };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
