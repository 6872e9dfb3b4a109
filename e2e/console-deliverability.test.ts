import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiJson, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { CHROMIUM } from './helpers/browser';
import { startDnsServer } from '../api/test/dns-server';
import { mailboxes, prospects } from '../db/schema';

/**
 * The sender and recipient checks as an admin meets them in the console, through a real
 * Chromium against a running API and a real DNS server: the DKIM selectors saved on a
 * mailbox, the DNS page of a personal Gmail address, and a campaign's launch check.
 * Screenshots at phone and desktop width under test-artifacts/console/.
 */
const ARTIFACTS = 'test-artifacts/console';
const ADMIN = 'ana@acme-dns.test';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let api: RunningApi;
let browser: Browser;
let page: Page;
let token: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dns = await startDnsServer({
    // The company domain signs with its own selector (s1) and has no DMARC yet.
    'acme-dns.test': { TXT: [['v=spf1 include:_spf.google.com ~all']], MX: [{ exchange: 'mx.acme-dns.test', priority: 10 }] },
    's1._domainkey.acme-dns.test': { TXT: [['v=DKIM1; k=rsa; p=MIIBIjANBgkqhACME']] },
    'client.test': { MX: [{ exchange: 'mx.client.test', priority: 10 }] },
  });
  [api, browser] = await Promise.all([
    startEmbeddedApi({ DNS_SERVERS: dns.server, RECIPIENT_DNS_CHECK: 'true' }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking'] }),
  ]);
  const session = (await apiJson<{ token: string; user: { id: string }; workspace: { id: string } }>(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: ADMIN, name: 'Ana' } })).body;
  token = session.token;
  // Two Gmail mailboxes as Google sign-in would connect them: the company's, and a rep's personal one.
  const db = api.runtime.deps.db;
  for (const email of ['sales@acme-dns.test', 'ana.rep@gmail.com']) {
    const [row] = await db.insert(mailboxes).values({ workspaceId: session.workspace.id, userId: session.user.id, provider: 'gmail', email }).returning();
    ids[email] = row!.id;
  }
  const leads: string[] = [];
  for (const email of ['lea@client.test', 'info@client.test']) leads.push((await apiJson<{ id: string }>(api, '/api/prospects', { token, method: 'POST', body: { email } })).body.id);
  // Imported before its domain stopped taking mail.
  leads.push((await db.insert(prospects).values({ workspaceId: session.workspace.id, email: 'old@gone-domain.test', ownerId: session.user.id }).returning())[0]!.id);
  const campaign = await apiJson<{ id: string }>(api, '/api/campaigns', { token, method: 'POST', body: { name: 'Spring outreach', mailboxId: ids['sales@acme-dns.test'], steps: [{ subject: 'Hello', bodyHtml: '<p>Hi</p>' }] } });
  expect(campaign.status).toBe(201);
  ids.campaign = campaign.body.id;
  expect((await apiJson(api, `/api/campaigns/${ids.campaign}/leads`, { token, method: 'POST', body: { prospectIds: leads } })).status).toBe(200);

  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris' })).newPage();
  await page.goto(`${api.url}/console/login`);
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByRole('button', { name: /sign in/i }).first().click();
  await page.waitForURL(`${api.url}/console`);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  dns?.close();
});

async function shoot(name: string) {
  for (const width of [375, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${width}`).toBeLessThanOrEqual(width);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('deliverability in the console', () => {
  it('saves the DKIM selectors of a mailbox, refusing a bad one on its field', async () => {
    await page.goto(`${api.url}/console/mailboxes/${ids['sales@acme-dns.test']}`);
    await page.getByLabel('Your DKIM selectors').fill('s1, not a selector!');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#f-dkimSelectors-err').waitFor();
    expect(await page.locator('#f-dkimSelectors-err').textContent()).toBe('"selector!" is not a DKIM selector: use letters, digits and hyphens, e.g. s1 or selector1');
    await shoot('mailbox-dkim-error');
    await page.getByLabel('Your DKIM selectors').fill('s1');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(`${api.url}/console/mailboxes`);
    expect(await page.locator('[data-mailbox="sales@acme-dns.test"] [data-dkim-selectors]').textContent()).toBe('google, s1');
    await shoot('mailboxes-dkim');
    await page.goto(`${api.url}/console/mailboxes/${ids['sales@acme-dns.test']}/dns`);
    expect(await page.locator('[data-check="dkim"]').textContent()).toContain('DKIM key found (selector "s1")');
    expect(await page.locator('[data-check="dmarc"]').textContent()).toContain('DMARC missing');
    await shoot('mailbox-dns-own-domain');
  });

  it('tells the truth about a personal Gmail address instead of asking for its DNS records', async () => {
    await page.goto(`${api.url}/console/mailboxes/${ids['ana.rep@gmail.com']}/dns`);
    expect(await page.locator('[data-note]').textContent()).toMatch(/personal Gmail address: Google signs its mail itself/);
    expect(await page.locator('table.rows').textContent()).not.toMatch(/missing/i);
    await shoot('mailbox-dns-gmail');
  });

  it("shows a campaign's launch check before it launches", async () => {
    await page.goto(`${api.url}/console/campaigns/${ids.campaign}`);
    const recipients = page.locator('[data-recipient-check]');
    await recipients.waitFor();
    expect(await recipients.textContent()).toContain('1 of 3 leads still to be mailed will be skipped');
    expect(await page.locator('[data-recipient="old@gone-domain.test"]').textContent()).toContain('gone-domain.test has no MX record and no address; it will be skipped.');
    expect(await page.locator('[data-recipient="info@client.test"]').textContent()).toContain('role address');
    const sender = await page.locator('[data-sender-check]').textContent();
    expect(sender).toContain('Mail from sales@acme-dns.test may be rejected');
    expect(sender).toContain('DMARC missing: ');
    await shoot('campaign-launch-check');
  });
});
