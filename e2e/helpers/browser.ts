import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { gmailFixture, type FixtureOptions } from './gmail-fixture';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DIST = resolve('dist');

export interface LoadedExtension {
  context: BrowserContext;
  extensionId: string;
  serviceWorker(): Promise<Worker>;
  /** A new tab on one of the extension's own pages, e.g. `extension/popup/index.html`. */
  openPage(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium with the built extension loaded unpacked, a fresh profile, and the
 * network closed: Gmail is the fixture page, InboxSDK's two hosts get stub 200s, the
 * local API passes, everything else is refused.
 */
export async function launchWithExtension(): Promise<LoadedExtension> {
  const profile = mkdtempSync(join(tmpdir(), 'lumina-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // --headless=new below: the old headless mode cannot load extensions
    args: [
      '--headless=new',
      `--disable-extensions-except=${DIST}`,
      `--load-extension=${DIST}`,
      '--no-sandbox',
      '--disable-background-networking',
    ],
    viewport: { width: 1280, height: 800 },
  });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === 'mail.google.com') {
      const inboxSdk = !url.pathname.startsWith('/mail/u/9/');
      return route.fulfill({ status: 200, contentType: 'text/html', body: gmailFixture({ inboxSdk, composeId: url.searchParams.get('compose') ?? 'cmp1' }) });
    }
    if (url.hostname === 'api.inboxsdk.com' || url.hostname === 'pubsub.googleapis.com') return route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    if (url.hostname === '127.0.0.1' || url.protocol === 'chrome-extension:' || url.protocol === 'data:') return route.continue();
    return route.abort('blockedbyclient');
  });
  const serviceWorker = async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const sw = await serviceWorker();
  const extensionId = new URL(sw.url()).host;
  return {
    context,
    extensionId,
    serviceWorker,
    async openPage(path) {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/${path}`);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Serves this page its own fixture Gmail (a given thread and its messages), over the context-wide one. */
export async function serveGmail(page: Page, options: FixtureOptions): Promise<void> {
  await page.route('https://mail.google.com/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: gmailFixture(options) }));
}

/**
 * A screenshot of a state the rep sees, at a desktop (1440 px) and a phone-sized (375 px)
 * width, kept under docs/ as extension-<name>-<width>.png to be looked at.
 */
export async function shoot(page: Page, name: string) {
  const before = page.viewportSize();
  for (const width of [1440, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: `docs/extension-${name}-${width}.png` });
  }
  if (before) await page.setViewportSize(before);
}
