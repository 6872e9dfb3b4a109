import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiJson, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { CHROMIUM } from './helpers/browser';
import { eq } from 'drizzle-orm';
import { importJobs, prospects } from '../db/schema';

/**
 * The console's prospect library through a real Chromium: a CSV import through the mapping
 * screen with a progress bar and its row report, the recipient check's flags and their filter,
 * the template library's favourites and preview,
 * each new state at phone and desktop width (docs/console-<state>-<width>.png).
 */
const ARTIFACTS = 'test-artifacts/console-library';
const ADMIN = 'ana@acme-library.test';
const BAD_EVERY = 1000; // 50 bad rows in 50,000
const ROWS = 50_000;

let api: RunningApi;
let browser: Browser;
let page: Page;
let token: string;
let me: { userId: string; workspaceId: string };
const shots: Array<[string, string]> = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [api, browser] = await Promise.all([
    startEmbeddedApi(),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking'] }),
  ]);
  const session = (await apiJson<{ token: string; user: { id: string }; workspace: { id: string } }>(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: ADMIN, name: 'Ana' } })).body;
  token = session.token;
  me = { userId: session.user.id, workspaceId: session.workspace.id };
  await apiJson(api, '/api/prospects', { token, method: 'POST', body: { email: 'priya@client.test', firstName: 'Priya', company: 'Preview Co', timeZone: 'Europe/Paris' } });
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris', acceptDownloads: true });
  page = await ctx.newPage();
  await page.goto(`${api.url}/console/login`);
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByRole('button', { name: /sign in/i }).first().click();
  await page.waitForURL(`${api.url}/console`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** Remembers the page now shown as a state to shoot at both widths at the end. */
const remember = (name: string) => shots.push([name, page.url()]);

describe('importing prospects from a CSV', () => {
  it('maps the columns, follows the job with a progress bar, and hands over the bad rows as CSV', { timeout: 180_000 }, async () => {
    const lines = ['Work Mail,Given name,Company,Region'];
    for (let i = 1; i <= ROWS; i++) lines.push(i % BAD_EVERY === 0 ? `not-an-address-${i},Bad,X,EU` : `lead${i}@import.test,Lead${i},Company ${i % 40},${i % 2 ? 'EU' : 'US'}`);
    const file = join(tmpdir(), `clib-import-${process.pid}.csv`);
    writeFileSync(file, `${lines.join('\n')}\n`);

    await page.goto(`${api.url}/console/prospects`);
    await page.getByRole('link', { name: 'Import a CSV' }).click();
    remember('import-upload');
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload and match columns' }).click();
    await page.waitForURL(/\/console\/prospects\/import\/[0-9a-f-]{36}$/);
    remember('import-mapping');

    // The inferred mapping is shown and editable: "Work Mail" is guessed as the email from its values.
    const mail = page.getByLabel('Work Mail');
    expect(await mail.inputValue()).toBe('email');
    const region = page.getByLabel('Region');
    expect(await region.inputValue()).toBe('custom.region');
    await region.selectOption('ignore');
    await region.selectOption('custom.region'); // changed back: the edit is what is posted
    expect(await page.getByLabel('Given name').inputValue()).toBe('firstName');
    await expect(page.locator('[data-column="Work Mail"]').textContent()).resolves.toContain('lead1@import.test');
    await page.getByLabel('Company').selectOption('ignore');
    await page.getByLabel(/Skip it/).check();
    await page.getByRole('button', { name: /Import 50,000 row/ }).click();

    // The job page: a progress bar the page moves as the job reads rows, then the result.
    await page.waitForURL(/\/console\/prospects\/import\/jobs\//);
    const seen: number[] = [];
    const done = page.locator('[data-import-done]');
    for (let i = 0; i < 600 && (await done.count()) === 0; i++) {
      const bar = page.locator('#import-progress');
      if (await bar.count()) seen.push(Number(await bar.getAttribute('value').catch(() => '0')) || Number(await bar.evaluate((b: HTMLProgressElement) => b.value).catch(() => 0)));
      await page.waitForTimeout(100);
    }
    expect(seen.length, 'the progress bar was shown while the job ran').toBeGreaterThan(0);
    await expect(done.textContent()).resolves.toContain(`Import finished: ${(ROWS - 50).toLocaleString('en')} new, 0 updated, 0 skipped, 50 row(s) left out.`);
    await expect(page.locator('tr[data-error-row]').count()).resolves.toBe(50);
    await expect(page.locator(`tr[data-error-row="${BAD_EVERY + 1}"]`).textContent()).resolves.toContain(`not-an-address-${BAD_EVERY}`);
    remember('import-result');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the report/ }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('row,what happened,why');
    expect(csv).toHaveLength(51);
    expect(csv[1]).toMatch(new RegExp(`^${BAD_EVERY + 1},not imported,invalid email: not-an-address-${BAD_EVERY}`));

    // The good rows are in, with the region as a custom field; the list filters by time zone and status.
    await page.goto(`${api.url}/console/prospects?q=lead7%40import.test`);
    await page.getByRole('link', { name: 'Lead7', exact: true }).click();
    await expect(page.getByLabel('Custom fields').inputValue()).resolves.toBe('region=EU');
    await expect(page.getByLabel('Company', { exact: true }).inputValue()).resolves.toBe(''); // mapped to "Do not import"
    await expect(page.getByLabel('First name').inputValue()).resolves.toBe('Lead7');
    await page.goto(`${api.url}/console/prospects`);
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByLabel('Status').selectOption('not_contacted');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('tr[data-prospect]').count()).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.toContain('priya@client.test');
    remember('prospects-filtered');
  });

  it('draws a running job as a progress bar (for the screenshots)', async () => {
    // A job caught mid-way: 2,400 of 8,000 rows read.
    const [job] = await api.runtime.deps.db.insert(importJobs).values({ workspaceId: me.workspaceId, userId: me.userId, dedupe: 'update', rowsRead: 2400, imported: 2390, errorCount: 10 }).returning();
    await page.goto(`${api.url}/console/prospects/import/jobs/${job!.id}?rows=8000`);
    expect(await page.locator('#import-progress').evaluate((b: HTMLProgressElement) => b.value / b.max)).toBeCloseTo(0.3, 2);
    await expect(page.locator('#import-count').textContent()).resolves.toContain('2,400 of about 8,000 rows read (30%)');
    remember('import-progress');
  });
});

describe('recipient flags on the Prospects page', () => {
  it('shows what the recipient check found in words and filters by it', async () => {
    // Role and disposable addresses are flagged as they are added; the other two are what a campaign
    // send (a domain that stopped taking mail) and a DNS lookup that timed out store.
    const add = async (email: string, firstName: string) => (await apiJson<{ id: string; recipientFlags: string[] }>(api, '/api/prospects', { token, method: 'POST', body: { email, firstName, company: 'Flag Co' } })).body;
    const role = await add('sales@flag-co.test', 'Sales team');
    expect(role.recipientFlags).toEqual(['role']);
    expect((await add('amy@mailinator.com', 'Amy')).recipientFlags).toEqual(['disposable']);
    const gone = await add('old@gone-domain.test', 'Olga');
    const unsure = await add('uma@slow-dns.test', 'Uma');
    await api.runtime.deps.db.update(prospects).set({ recipientFlags: ['no_mail'] }).where(eq(prospects.id, gone.id));
    await api.runtime.deps.db.update(prospects).set({ recipientFlags: ['unverified'] }).where(eq(prospects.id, unsure.id));

    await page.goto(`${api.url}/console/prospects`);
    await page.getByLabel('Recipient check').selectOption('any');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/flag=any/);
    const rows = page.locator('tr[data-prospect]');
    await expect(rows.count()).resolves.toBe(4);
    const badgeOf = async (email: string) => (await page.locator(`tr[data-prospect="${email}"] .flags`).textContent())?.trim();
    expect(await badgeOf('sales@flag-co.test')).toBe('Role address');
    expect(await badgeOf('amy@mailinator.com')).toBe('Disposable');
    expect(await badgeOf('old@gone-domain.test')).toBe('Domain takes no mail');
    expect(await badgeOf('uma@slow-dns.test')).toBe('Not verified');
    await expect(page.locator('main').textContent()).resolves.not.toContain('priya@client.test');
    remember('prospects-flags');

    await page.getByLabel('Recipient check').selectOption('role');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/flag=role/);
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().textContent()).resolves.toContain('sales@flag-co.test');
    // The prospect's own page says it too.
    await page.getByRole('link', { name: 'Sales team' }).click();
    await expect(page.locator('.flags').first().textContent()).resolves.toContain('Role address');
  });
});

describe('the template library', () => {
  it('favourites a built-in template and previews it for a prospect', async () => {
    await page.goto(`${api.url}/console/templates`);
    const row = page.locator('tr[data-template="Cold intro — short and direct"]');
    await row.getByRole('button', { name: /Add .* to favourites/ }).click();
    await expect(page.locator('.notice').textContent()).resolves.toContain('Added to your favourites.');
    // Starred: it is listed first, under the viewer's favourites.
    await expect(page.locator('h2').first().textContent()).resolves.toContain('Your favourites');
    await expect(page.locator('tr[data-template]').first().getAttribute('data-template')).resolves.toBe('Cold intro — short and direct');
    await page.getByLabel('Category').selectOption('objection');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('tr[data-template]').count()).resolves.toBe(4);
    remember('templates-objections');
    await page.goto(`${api.url}/console/templates?show=favourites`);
    await expect(page.locator('tr[data-template]').count()).resolves.toBe(1);
    remember('templates-favourites');

    await page.getByRole('link', { name: 'Cold intro — short and direct' }).click();
    await expect(page.locator('[data-template-vars]').textContent()).resolves.toContain('“there” when missing');
    await page.getByLabel(/Preview for/).fill('priya@client.test');
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.textContent()).resolves.toContain('Subject: Quick question, Priya');
    await expect(preview.locator('[data-preview-body]').textContent()).resolves.toContain('Is that on your list at Preview Co this quarter');
    remember('template-preview');
  });
});

describe('each new state at phone and desktop width', () => {
  it('has no horizontal overflow at 375 px, and is saved as screenshots', { timeout: 120_000 }, async () => {
    const overflow: string[] = [];
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, url] of shots) {
        // The mapping screen's upload is used up by the import: shoot a fresh one.
        if (name === 'import-mapping') {
          await page.goto(`${api.url}/console/prospects/import`);
          const file = join(tmpdir(), `clib-mapping-${process.pid}.csv`);
          writeFileSync(file, 'Work Mail,Given name,Company,Region,Deal Size\nana@acme.test,Ana,Acme,EU,12000\nbob@acme.test,Bob,Acme,US,8000\n');
          await page.getByLabel('CSV file').setInputFiles(file);
          await page.getByRole('button', { name: 'Upload and match columns' }).click();
          await page.waitForURL(/\/console\/prospects\/import\/[0-9a-f-]{36}$/);
        } else if (name === 'template-preview') {
          await page.goto(url);
          await page.getByLabel(/Preview for/).fill('priya@client.test');
          await page.getByRole('button', { name: 'Preview' }).click();
          await page.getByRole('region', { name: 'Preview' }).waitFor();
        } else {
          await page.goto(url);
        }
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width) overflow.push(`${name} at ${width}: ${scrollWidth}px`);
        const path = `${ARTIFACTS}/${name}-${width}.png`;
        await page.screenshot({ path, fullPage: true });
        copyFileSync(path, `docs/console-${name}-${width}.png`);
      }
    }
    expect(shots.map(([n]) => n)).toEqual(['import-upload', 'import-mapping', 'import-result', 'prospects-filtered', 'import-progress', 'prospects-flags', 'templates-objections', 'templates-favourites', 'template-preview']);
    expect(overflow).toEqual([]);
  });
});
