import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { apiJson, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { CHROMIUM } from './helpers/browser';
import { emails } from '../db/schema';
import { failOpenSends } from '../api/src/modules/emails/fail-sends';

/**
 * The console through a real Chromium against a running API: each page's story as an admin
 * would live it, the server's refusals (viewer, missing CSRF token), and every page at phone
 * and desktop width, with a screenshot of each under test-artifacts/console/.
 */
const ARTIFACTS = 'test-artifacts/console';
const ADMIN = 'ana@acme-console.test';
const VIEWER = 'vic@acme-console.test';

let api: RunningApi;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let token: string;
let prospectId: string;
let templateId: string;
let mailboxId: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [api, browser] = await Promise.all([
    startEmbeddedApi(),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking'] }),
  ]);
  // Arrange through the public API: the admin (with a sandbox mailbox), a colleague, a prospect, a template, one sent email.
  token = (await apiJson<{ token: string }>(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: ADMIN, name: 'Ana' } })).body.token;
  await apiJson(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: VIEWER } });
  prospectId = (await apiJson<{ id: string }>(api, '/api/prospects', { token, method: 'POST', body: { email: 'lea@client.test', firstName: 'Léa', company: 'Client SA', customFields: { industry: 'retail' } } })).body.id;
  templateId = (await apiJson<{ id: string }>(api, '/api/templates', { token, method: 'POST', body: { name: 'First touch', subject: 'Hello {{firstName}}', bodyHtml: '<p>Hi {{firstName|there}}, how is {{company}} doing in {{custom.industry}}? {{title}}</p>' } })).body.id;
  mailboxId = (await apiJson<{ data: Array<{ id: string }> }>(api, '/api/mailboxes', { token })).body.data[0]!.id;
  await send('lea@client.test', 'Quick question', 'e2e-sent-0001');
  admin = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris' });
  page = await admin.newPage();
  await page.goto(`${api.url}/console/login`);
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByRole('button', { name: /sign in/i }).first().click();
  await page.waitForURL(`${api.url}/console`);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function send(to: string, subject: string, key: string, scheduledAt?: string) {
  const res = await fetch(`${api.url}/api/emails/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ to, subject, bodyHtml: `<p>${subject}</p>`, prospectId, ...(scheduledAt ? { scheduledAt } : {}) }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const notice = () => page.locator('.notice').first();

describe('the console, as an admin lives it', () => {
  it('changes a daily cap and sees the budget follow', async () => {
    await page.goto(`${api.url}/console/mailboxes`);
    const box = page.locator(`[data-mailbox="${ADMIN}"]`);
    await expect(box.textContent()).resolves.toContain('in the last 24 hours');
    await box.getByRole('link', { name: /edit cap/i }).click();
    // A wrong value keeps what was typed and names the field.
    await page.getByLabel(/daily cap/i).fill('40');
    await page.getByLabel('Only send inside these hours').check();
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(notice().textContent()).resolves.toContain('check the highlighted fields');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Mars/Olympus_Mons');
    expect(await page.getByLabel(/daily cap/i).inputValue()).toBe('40');
    await expect(page.locator('[id="f-sendWindow.tz-err"]').textContent()).resolves.toContain('IANA time zone');
    await page.getByLabel('Only send inside these hours').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(`${api.url}/console/mailboxes`);
    await expect(notice().textContent()).resolves.toMatch(/Saved .*cap 40 today, \d+ left/);
    const budget = await page.locator(`[data-mailbox="${ADMIN}"] [data-budget]`).getAttribute('data-budget');
    expect(budget).toMatch(/^\d+\/40$/);
    const used = Number(budget!.split('/')[0]);
    expect(used).toBeGreaterThanOrEqual(1);
    await expect(page.locator(`[data-mailbox="${ADMIN}"]`).textContent()).resolves.toContain(`${40 - used} left`);
  });

  it('adds a suppression, exports it, and lifts it after a confirmation', async () => {
    await page.goto(`${api.url}/console/suppressions`);
    await page.getByLabel('Suppress an address').fill('Gone@Client.test');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(notice().textContent()).resolves.toContain('gone@client.test is suppressed');
    await expect(page.locator('[data-suppression="gone@client.test"]').textContent()).resolves.toContain('Added by hand');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('email,reason,reason_code,since,source_email_id');
    expect(csv).toContain('gone@client.test,Added by hand,manual,');

    await page.locator('[data-suppression="gone@client.test"]').getByRole('link', { name: /lift/i }).click();
    await expect(page.getByRole('alertdialog').textContent()).resolves.toContain('Lift the suppression of gone@client.test?');
    await page.getByRole('button', { name: 'Lift suppression' }).click();
    await expect(notice().textContent()).resolves.toContain('Lifted: gone@client.test can be mailed again.');
    expect(await page.locator('[data-suppression="gone@client.test"]').count()).toBe(0);
  });

  it('retries a failed send once, through the normal pipeline', async () => {
    const id = await send('busy@client.test', 'Following up', 'e2e-failing-0001', new Date(Date.now() + 86_400_000).toISOString());
    // What the send worker writes when Gmail keeps answering 429 (the worker's own function and words).
    await failOpenSends(api.runtime.deps.db, eq(emails.id, id), 'Gmail kept rate-limiting after 5 tries: 429 Too Many Requests');
    await page.goto(`${api.url}/console`);
    await expect(page.locator('[data-figure="failed"]').textContent()).resolves.toContain('failed send needs attention');
    await page.locator('[data-figure="failed"]').click();
    const row = page.locator('[data-failed="busy@client.test"]');
    await expect(row.textContent()).resolves.toContain('Gmail was busy');
    await row.getByRole('button', { name: 'Retry' }).click();
    await expect(notice().textContent()).resolves.toContain('Retry queued');
    await expect(page.locator('[data-failed="busy@client.test"] [data-retry]').textContent()).resolves.toMatch(/Retried: (Queued|Sending|Sent)/);
    expect(await page.locator('[data-failed="busy@client.test"]').getByRole('button', { name: 'Retry' }).count()).toBe(0);
    const list = await apiJson<{ data: Array<{ id: string; status: string }> }>(api, '/api/emails?to=busy@client.test', { token });
    expect(list.body.data).toHaveLength(2); // the failed one and exactly one retry
  });

  it('shows each of those actions in the audit log, in words, and exports it', async () => {
    await page.goto(`${api.url}/console/audit`);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('changed the sending settings of');
    expect(text).toMatch(/daily cap: \d+ → 40/);
    expect(text).toContain('suppressed');
    expect(text).toContain('lifted the suppression of');
    expect(text).toContain('retried a failed send to');
    expect(text).not.toContain('{"');
    await page.getByLabel('What').selectOption({ label: 'lifted the suppression of' });
    await page.getByRole('button', { name: 'Filter' }).click();
    expect(await page.locator('tr[data-audit]').count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('suppression.lifted,lifted the suppression of,gone@client.test');
  });

  it('edits a prospect and previews a template for them with the missing variable marked', async () => {
    await page.goto(`${api.url}/console/prospects?q=client`);
    await page.getByRole('link', { name: 'Léa' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('Quick question');
    await page.getByLabel('Job title').fill('Head of buying');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(notice().textContent()).resolves.toContain('Saved lea@client.test');
    await page.goto(`${api.url}/console/templates/${templateId}`);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect(preview.textContent()).resolves.toContain('Subject: Hello Léa');
    await expect(preview.locator('[data-preview-body]').textContent()).resolves.toContain('Hi Léa, how is Client SA doing in retail?');
    await page.getByLabel('Body').fill('<p>Hi {{firstName}} from {{custom.region}}</p>');
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect(page.getByRole('region', { name: 'Preview' }).textContent()).resolves.toContain('Missing for this prospect: {{custom.region}}');
    expect(await page.getByLabel('Body').inputValue()).toContain('custom.region'); // previewing kept what was typed
  });
});

describe('what the server refuses', () => {
  it('refuses a form posted without the CSRF token', async () => {
    const res = await page.request.post(`${api.url}/console/suppressions`, { form: { email: 'sneaky@client.test' }, headers: { origin: api.url } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('This form had expired');
  });

  it("refuses a viewer's POSTs, whatever the page shows", async () => {
    await page.goto(`${api.url}/console/members`);
    await page.locator(`[data-member="${VIEWER}"] select`).selectOption('viewer');
    await page.locator(`[data-member="${VIEWER}"]`).getByRole('button', { name: 'Change' }).click();
    await expect(notice().textContent()).resolves.toContain(`${VIEWER} is now Viewer`);
    const ctx = await browser.newContext();
    const viewer = await ctx.newPage();
    await viewer.goto(`${api.url}/console/login`);
    await viewer.getByLabel('Email').fill(VIEWER);
    await viewer.getByRole('button', { name: /sign in/i }).first().click();
    await viewer.goto(`${api.url}/console/suppressions`);
    expect(await viewer.getByLabel('Suppress an address').count()).toBe(0);
    const csrf = await viewer.locator('input[name="_csrf"]').first().inputValue();
    const res = await viewer.request.post(`${api.url}/console/suppressions`, { form: { email: 'viewer-add@client.test', _csrf: csrf }, headers: { origin: api.url } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Viewers can read');
    expect((await viewer.request.get(`${api.url}/console/audit`)).status()).toBe(403);
    await ctx.close();
  });
});

describe('what came back', () => {
  it('lists an out-of-office and a reply on the Replies page, in words, and filters to one', { timeout: 150_000 }, async () => {
    const messages = (await apiJson<{ data: Array<{ id: string; to: string }> }>(api, '/api/sandbox/messages', { token })).body.data;
    const toLea = messages.find((m) => m.to.includes('lea@client.test'))!;
    expect((await apiJson(api, `/api/sandbox/messages/${toLea.id}/auto-reply`, { method: 'POST', token, body: { returnDate: '2030-01-15' } })).status).toBe(201);
    expect((await apiJson(api, `/api/sandbox/messages/${toLea.id}/reply`, { method: 'POST', token, body: { text: 'Thanks, Thursday at 3 works for me.' } })).status).toBe(201);
    // The sync the inject asks for reads them at once, unless a sync was already running: then the
    // next minute's sync does, so the wait covers one whole sync period.
    for (let i = 0; ; i++) {
      const listed = await apiJson<{ pagination: { total: number } }>(api, '/api/replies', { token });
      if (listed.body.pagination.total >= 2) break;
      if (i > 400) throw new Error('the inbox sync did not record the replies');
      await new Promise((r) => setTimeout(r, 250));
    }
    await page.goto(`${api.url}/console/replies`);
    const rows = page.locator('tr[data-reply]');
    await expect(rows.count()).resolves.toBe(2);
    await expect(page.locator('tr[data-reply="out_of_office"]').textContent()).resolves.toMatch(/Out of office.*Back/s);
    await page.getByLabel('Meaning').selectOption({ label: 'Out of office' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(rows.count()).resolves.toBe(1);
    expect(page.url()).toContain('meaning=out_of_office');
  });
});

describe('every page at phone and desktop width', () => {
  it('has no horizontal overflow at 375 px, and is saved as screenshots', async () => {
    const pages: Array<[string, string]> = [
      ['home', '/console'],
      ['campaigns', '/console/campaigns'],
      ['prospects', '/console/prospects'],
      ['prospect', `/console/prospects/${prospectId}`],
      ['templates', '/console/templates'],
      ['template', `/console/templates/${templateId}`],
      ['failed', '/console/failed'],
      ['replies', '/console/replies'],
      ['suppressions', '/console/suppressions'],
      ['mailboxes', '/console/mailboxes'],
      ['mailbox-edit', `/console/mailboxes/${mailboxId}`],
      ['members', '/console/members'],
      ['audit', '/console/audit'],
      ['queues', '/console/queues'],
    ];
    const anon = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const login = await anon.newPage();
    await login.goto(`${api.url}/console/login`);
    expect(await login.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await login.screenshot({ path: `${ARTIFACTS}/login-375.png`, fullPage: true });
    await anon.close();
    const overflow: string[] = [];
    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const [name, path] of pages) {
        const res = await page.goto(`${api.url}${path}`);
        expect(res?.status(), path).toBe(200);
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width) overflow.push(`${path} at ${width}: ${scrollWidth}px`);
        await page.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
      }
    }
    expect(overflow).toEqual([]);
  });
});
