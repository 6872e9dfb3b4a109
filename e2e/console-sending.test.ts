import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiJson, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { CHROMIUM } from './helpers/browser';
import { startDnsServer } from '../api/test/dns-server';
import { seedSentEmail } from '../api/test/tracking-fixtures';
import { campaignLeads, emailEvents, mailboxes } from '../db/schema';
import type { Campaign } from '../shared/contracts/campaigns';

/**
 * What a rep reads before and while a campaign sends, in a real Chromium against a running API:
 * the A/B "send the winner to the rest" set in the builder and said on the figures, the sender
 * check of a domain without SPF, DKIM or DMARC (a real DNS server), and the Mailboxes budget
 * with Gmail's own sends in it. Screenshots at 1440 and 375 px go to docs/.
 */
const ADMIN = 'ana@bare.test';

let dns: Awaited<ReturnType<typeof startDnsServer>>;
let api: RunningApi;
let browser: Browser;
let page: Page;
let token: string;

beforeAll(async () => {
  dns = await startDnsServer({ 'bare.test': { A: ['192.0.2.10'] } });
  [api, browser] = await Promise.all([
    startEmbeddedApi({ DNS_SERVERS: dns.server }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking'] }),
  ]);
  token = (await apiJson<{ token: string }>(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: ADMIN, name: 'Ana' } })).body.token;
  expect((await apiJson(api, '/api/settings/sending', { token, method: 'PATCH', body: { postalAddress: 'Bare Ltd, 1 Quay Street, Bristol BS1 4DJ' } })).status).toBe(200);
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

/** Both widths into docs/, the phone one checked for sideways scrolling. */
async function shoot(name: string) {
  const overflow: string[] = [];
  for (const width of [375, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150); // the relayout after the resize (and a live preview refresh) settles
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width) overflow.push(`${name} at ${width}: ${scrollWidth}px`);
    await page.screenshot({ path: `docs/console-${name}-${width}.png`, fullPage: true });
  }
  expect(overflow).toEqual([]);
}

const db = () => api.runtime.deps.db;

describe('what a rep reads about sending', () => {
  it('sets "send the winner to the rest" in the builder and reads on the figures what it does', async () => {
    await page.goto(`${api.url}/console/campaigns/new`);
    await page.getByLabel('Campaign name').fill('Winner test');
    await page.locator('[name="steps.0.subject"]').fill('Hello {{firstName}}');
    await page.locator('[name="steps.0.bodyHtml"]').fill('<p>Hi {{firstName|there}}</p>');
    await page.getByRole('group', { name: 'Step 1' }).getByRole('button', { name: 'A/B test this step' }).click();
    await page.locator('[name="steps.0.variants.1.subject"]').fill('A question for {{company|your team}}');
    const rule = page.locator('[data-winner-rule="0"]');
    await rule.getByLabel('Send the winning version to the rest of the leads').check();
    await rule.getByLabel('Step 1: sends of each version before choosing').fill('40');
    await rule.scrollIntoViewIfNeeded();
    await shoot('campaign-winner-rule');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.waitForURL(/\/console\/campaigns\/[0-9a-f-]{36}$/);
    const id = /campaigns\/([0-9a-f-]{36})/.exec(page.url())![1]!;
    const campaign = (await apiJson<Campaign>(api, `/api/campaigns/${id}`, { token })).body;
    expect(campaign.steps[0]!.winnerAfter).toBe(40);

    // What the scheduler would have sent so far: 40 of A (3 replies), 25 of B (10 replies).
    const prospect = (await apiJson<{ id: string }>(api, '/api/prospects', { token, method: 'POST', body: { email: 'lea@client.test' } })).body;
    expect((await apiJson(api, `/api/campaigns/${id}/leads`, { token, method: 'POST', body: { prospectIds: [prospect.id] } })).status).toBeLessThan(300);
    const [lead] = await db().select().from(campaignLeads).where(eq(campaignLeads.campaignId, id));
    const send = async (variantId: string, n: number, replied: number, from: number) => {
      for (let i = 0; i < n; i++) {
        const e = await seedSentEmail(db(), lead!.workspaceId, { to: 'lea@client.test', campaignId: id, campaignLeadId: lead!.id, stepId: campaign.steps[0]!.id, variantId, sentAt: new Date(Date.now() - 86_400_000 + (from + i) * 1000) });
        if (i < replied) await db().insert(emailEvents).values({ workspaceId: lead!.workspaceId, emailId: e.id, type: 'reply' });
      }
    };
    await send('A', 40, 3, 0);
    await send('B', 25, 10, 100);
    await page.reload();
    const words = page.locator('[data-winner-to-rest]');
    await expect(words.textContent()).resolves.toBe('Waiting for 40 sends per version before picking a winner (A: 40 of 40, B: 25 of 40). Until then leads get the split.');
    await send('B', 15, 2, 200);
    await page.reload();
    await expect(words.textContent()).resolves.toMatch(/^Sending version B to the rest: it won on replies, 12\/40 vs 3\/40, p = 0\.0\d+\.$/);
    await page.locator('[data-ab-verdict="1"]').scrollIntoViewIfNeeded();
    await shoot('campaign-winner');
  });

  it('warns on launch from a domain without SPF, DKIM or DMARC, in words, with where to fix it', async () => {
    const [own] = await db().select().from(mailboxes).where(eq(mailboxes.email, ADMIN));
    const [box] = await db().insert(mailboxes).values({ workspaceId: own!.workspaceId, userId: own!.userId, provider: 'gmail', email: 'sales@bare.test' }).returning();
    const created = await apiJson<Campaign>(api, '/api/campaigns', { token, method: 'POST', body: { name: 'Launch from bare.test', mailboxId: box!.id, steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } });
    expect(created.status).toBe(201);
    await page.goto(`${api.url}/console/campaigns/${created.body.id}`);
    await page.getByRole('button', { name: 'Launch' }).click();
    await expect(page.locator('.notice').first().textContent()).resolves.toContain('Check the sender: 3 problems with its domain’s DNS, listed below.');
    const panel = page.getByRole('region', { name: 'Sender check' });
    await expect(panel.textContent()).resolves.toContain('Mail from sales@bare.test may be rejected or land in spam until bare.test’s DNS records are fixed. The campaign still sends meanwhile.');
    expect(await panel.locator('li strong').allTextContents()).toEqual(['SPF missing', 'DKIM missing', 'DMARC missing']);
    await expect(panel.getByRole('link', { name: 'See the DNS checks and what to add' }).getAttribute('href')).resolves.toBe(`/console/mailboxes/${box!.id}/dns`);
    await shoot('campaign-sender-check');
  });

  it('says on Mailboxes what is left of the budget, and who spent it: Lumina and Gmail itself', async () => {
    const [own] = await db().select().from(mailboxes).where(eq(mailboxes.email, ADMIN));
    expect((await apiJson(api, `/api/mailboxes/${own!.id}`, { token, method: 'PATCH', body: { dailyCap: 20 } })).status).toBe(200);
    for (const id of ['18f00000000000e1', '18f00000000000e2']) {
      expect((await apiJson(api, `/api/mailboxes/${own!.id}/manual-sends`, { token, method: 'POST', body: { gmailMessageId: id } })).status).toBe(201);
    }
    // One send through Lumina (apiJson sets no Idempotency-Key, which the send route needs).
    const res = await fetch(`${api.url}/api/emails/send`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'budget-1' }, body: JSON.stringify({ to: 'ada@prospect.test', subject: 'Quick question', bodyHtml: '<p>Hi Ada</p>' }) });
    expect(res.status).toBe(202);
    // The budget counts what the mailbox sent: wait for the send worker to send it (it is queued at 202).
    const budget = page.locator(`[data-mailbox="${ADMIN}"] [data-budget]`);
    await expect
      .poll(async () => {
        await page.goto(`${api.url}/console/mailboxes`);
        return budget.getAttribute('data-budget');
      }, { timeout: 30_000, interval: 500 })
      .toBe('3/20');
    await expect(budget.locator('.budget-left').textContent()).resolves.toBe('17 left of 20 for the rolling 24 hours');
    await expect(budget.locator('.budget-who').textContent()).resolves.toBe('3 sent of 20 in the last 24 hours: 1 by Lumina · 2 from Gmail itself');
    await shoot('mailboxes-budget');
  });
});
