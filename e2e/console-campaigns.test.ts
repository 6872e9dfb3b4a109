import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { apiJson, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { CHROMIUM } from './helpers/browser';

/**
 * The Campaigns story through a real Chromium against a running API (sandbox mailbox, inline
 * queue, the real scheduler): build a 3-step sequence with a condition and an A/B step, add
 * leads, launch, watch the first step go out, read the per-step and per-version figures, then
 * answer it (a reply, an out-of-office) and see both on the campaign and on Replies.
 * Screenshots of list, editor, preview and stats at 1440 and 375 px go to test-artifacts/console-campaigns/.
 */
const ARTIFACTS = 'test-artifacts/console-campaigns';
const ADMIN = 'ana@acme-campaigns.test';
const VIEWER = 'vic@acme-campaigns.test';

let api: RunningApi;
let browser: Browser;
let page: Page;
let token: string;
let campaignUrl = '';

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [api, browser] = await Promise.all([
    // Production periods (a 30 s tick, sends 60–90 s apart, a sync a minute) with the clock of a
    // browser story: every rule still runs, only the waits between them are short.
    startEmbeddedApi({ SEQUENCE_TICK_SECONDS: '2', SEND_GAP_SECONDS: '2', SEND_GAP_JITTER_SECONDS: '1', INBOX_SYNC_SECONDS: '3' }),
    chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-background-networking'] }),
  ]);
  token = (await apiJson<{ token: string }>(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: ADMIN, name: 'Ana' } })).body.token;
  // Campaign mail carries the sender's postal address (CAN-SPAM): the admin sets it once, as Settings asks.
  expect((await apiJson(api, '/api/settings/sending', { token, method: 'PATCH', body: { postalAddress: 'Acme Campaigns, 12 Harbour Road, Bristol BS1 4DJ' } })).status).toBe(200);
  for (const p of [
    { email: 'lea@client.test', firstName: 'Léa', company: 'Client SA' },
    { email: 'bo@client.test', firstName: 'Bo', company: 'Client AB', title: 'CTO' },
    { email: 'zed@elsewhere.test', firstName: 'Zed' },
  ]) {
    expect((await apiJson(api, '/api/prospects', { token, method: 'POST', body: p })).status).toBe(201);
  }
  await apiJson(api, '/api/templates', { token, method: 'POST', body: { name: 'Breakup note', subject: 'Closing the loop', bodyHtml: '<p>Last note from me, {{firstName}}.</p>' } });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Paris' });
  page = await context.newPage();
  await page.goto(`${api.url}/console/login`);
  await page.getByLabel('Email').fill(ADMIN);
  await page.getByRole('button', { name: /sign in/i }).first().click();
  await page.waitForURL(`${api.url}/console`);
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const notice = () => page.locator('.notice').first();
const field = (name: string) => page.locator(`[name="${name}"]`);

/** Both widths, with the phone one checked for sideways scrolling. */
async function shoot(name: string) {
  const overflow: string[] = [];
  for (const width of [375, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width) overflow.push(`${name} at ${width}: ${scrollWidth}px`);
    await page.screenshot({ path: `${ARTIFACTS}/campaigns-${name}-${width}.png`, fullPage: true });
  }
  expect(overflow).toEqual([]);
}

describe('a rep builds and runs a campaign in the console', () => {
  it('builds a 3-step sequence with a condition and an A/B variant, with a live preview', async () => {
    await page.goto(`${api.url}/console/campaigns`);
    await expect(page.locator('main').textContent()).resolves.toContain('No campaigns yet — create one');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Campaign name').fill('Spring outreach');
    await field('steps.0.delay').fill('0');
    await field('steps.0.delayUnit').selectOption('minutes');
    await field('steps.0.subject').fill('Hello {{firstName}}');
    await field('steps.0.bodyHtml').fill('<p>Hi {{firstName|there}}, how is {{company}} doing?</p>');

    // Step 2: two business days later, only for those who did not open, as an A/B test.
    await page.getByRole('button', { name: '+ Add a step' }).click();
    expect(await page.getByLabel('Campaign name').inputValue()).toBe('Spring outreach'); // the round trip kept what was typed
    await field('steps.1.delay').fill('2');
    await field('steps.1.delayUnit').selectOption('business_days');
    await field('steps.1.condition').selectOption({ label: 'Only if they have not opened any' });
    await field('steps.1.subject').fill('Did you see this?');
    await field('steps.1.bodyHtml').fill('<p>Just checking, {{firstName}}.</p>');
    await page.getByRole('group', { name: 'Step 2' }).getByRole('button', { name: 'A/B test this step' }).click();
    await field('steps.1.variants.1.subject').fill('A quick case study for {{company}}');
    await field('steps.1.variants.1.bodyHtml').fill('<p>Here is how a team like yours, {{title}}, saved a day a week.</p>');
    await field('steps.1.variants.0.weight').fill('70');
    await field('steps.1.variants.1.weight').fill('30');

    // Step 3: a template, in a new thread, only without a reply.
    await page.getByRole('button', { name: '+ Add a step' }).click();
    await field('steps.2.delay').fill('3');
    await field('steps.2.delayUnit').selectOption('days');
    await field('steps.2.condition').selectOption({ label: 'Only if they have not replied' });
    await field('steps.2.templateId').selectOption({ label: 'Breakup note' });
    await field('steps.2.sameThread').uncheck();

    // The preview follows what is typed: step 2, version B, for Léa, with her missing job title marked.
    await page.getByLabel('Preview for').selectOption({ label: 'lea@client.test' });
    await field('steps.1.variants.1.bodyHtml').fill('<p>Here is how a team like yours at {{company}}, {{title}}, saved a day a week.</p>');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('saved a day a week');
    const text = (await preview.textContent())!;
    expect(text).toContain('Preview of step 2 for lea@client.test');
    expect(text).toContain('Version A · 70% of leads');
    expect(text).toContain('Just checking, Léa.');
    expect(text).toContain('A quick case study for Client SA');
    expect(text).toContain('Missing for this prospect: {{title}}');
    await expect(preview.locator('mark.missing').first().textContent()).resolves.toBe('{{title}}');
    await page.locator('[data-step="1"]').scrollIntoViewIfNeeded();
    await shoot('editor');
    await preview.scrollIntoViewIfNeeded();
    await shoot('preview');

    await page.getByRole('button', { name: 'Create campaign' }).click();
    await expect(notice().textContent()).resolves.toContain('Created “Spring outreach” with 3 step(s).');
    campaignUrl = page.url();
    const steps = (await page.locator('main').textContent())!;
    expect(steps).toContain('2 business days after the previous step');
    expect(steps).toContain('Only if they have not opened any');
    expect(steps).toContain('A/B test of 2');
    expect(steps).toContain('new thread');
  });

  it('adds leads from a search, launches, and sees the first step go out through the sandbox', { timeout: 180_000 }, async () => {
    await page.goto(campaignUrl);
    await page.getByRole('link', { name: 'Add leads' }).click();
    await page.getByLabel('Search').fill('client.test');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.locator('main').textContent()).resolves.toContain('2 prospects match');
    await page.getByLabel(/Add all 2 matching/).check();
    await page.getByRole('button', { name: 'Add to the campaign' }).click();
    await expect(notice().textContent()).resolves.toContain('Added 2 lead(s) to “Spring outreach”.');
    await expect(page.locator('[data-lead="lea@client.test"] [data-lead-state]').textContent()).resolves.toBe('Waiting to start');

    await page.getByRole('button', { name: 'Launch' }).click();
    await expect(notice().textContent()).resolves.toContain('Launched “Spring outreach”: 2 lead(s) start with step 1');
    // The scheduler ticks every 2 s here; the sandbox mailbox "delivers" at once.
    for (let i = 0; ; i++) {
      const sent = Number(await page.locator('[data-figure="sent"] b').textContent());
      if (sent >= 1) break;
      if (i > 90) throw new Error('the scheduler sent nothing');
      await new Promise((r) => setTimeout(r, 1000));
      await page.reload();
    }
    const delivered = (await apiJson<{ data: Array<{ to: string; subject: string }> }>(api, '/api/sandbox/messages', { token })).body.data;
    expect(delivered.some((m) => /Hello (Léa|Bo)/.test(m.subject))).toBe(true);
    const first = page.locator('[data-step-stats="1"]');
    await expect(first.locator('[data-label="Sent"]').textContent()).resolves.not.toBe('0');
    expect(await page.locator('[data-variant-stats="2A"]').count()).toBe(1);
    expect(await page.locator('[data-variant-stats="2B"]').count()).toBe(1);
    await expect(page.locator('[data-ab-verdict="2"]').textContent()).resolves.toContain('No winner yet');
    await expect(page.locator('[data-lead-state]').allTextContents()).resolves.toEqual(expect.arrayContaining(['In sequence']));
    await page.locator('[data-step-stats="1"]').scrollIntoViewIfNeeded();
    await shoot('stats');
  });

  it('pauses and resumes the campaign and one lead, then lists it with its counts', async () => {
    await page.goto(campaignUrl);
    await page.getByRole('button', { name: 'Pause campaign' }).click();
    await expect(notice().textContent()).resolves.toContain('nothing more goes out until you resume it');
    await page.getByRole('button', { name: 'Resume campaign' }).click();
    await expect(notice().textContent()).resolves.toContain('each lead picks up where it was');
    await page.locator('[data-lead="bo@client.test"]').getByRole('button', { name: 'Pause' }).click();
    await expect(page.locator('[data-lead="bo@client.test"]').textContent()).resolves.toContain('Paused by the rep');
    await page.locator('[data-lead="bo@client.test"]').getByRole('button', { name: 'Resume' }).click();
    await expect(page.locator('[data-lead="bo@client.test"]').textContent()).resolves.toContain('Resumed by the rep');

    await page.goto(`${api.url}/console/campaigns`);
    const row = page.locator('tr[data-campaign="Spring outreach"]');
    await expect(row.locator('[data-count="steps"]').textContent()).resolves.toBe('3');
    await expect(row.locator('[data-count="leads"]').textContent()).resolves.toMatch(/^2 \(.*in sequence/);
    expect(Number(await row.locator('[data-count="sent"]').textContent())).toBeGreaterThanOrEqual(1);
    await shoot('list');
  });

  it('shows a reply and an out-of-office on the campaign, in words, and both on Replies for that campaign', { timeout: 180_000 }, async () => {
    // Both leads got step 1 (the scheduler's tick may take one more period for the second).
    type Sent = { id: string; to: string; subject: string };
    let toLea: Sent | undefined;
    let toBo: Sent | undefined;
    for (let i = 0; !(toLea && toBo); i++) {
      if (i > 90) throw new Error('step 1 did not reach both leads');
      if (i > 0) await new Promise((r) => setTimeout(r, 1000));
      const sent = (await apiJson<{ data: Sent[] }>(api, '/api/sandbox/messages', { token })).body.data;
      toLea = sent.find((m) => m.to.includes('lea@client.test') && m.subject.startsWith('Hello'));
      toBo = sent.find((m) => m.to.includes('bo@client.test') && m.subject.startsWith('Hello'));
    }
    // Into the thread of the campaign email each one got, as their mail servers would answer.
    expect((await apiJson(api, `/api/sandbox/messages/${toLea!.id}/reply`, { method: 'POST', token, body: { text: 'Sounds good, send me the pricing please.' } })).status).toBe(201);
    expect((await apiJson(api, `/api/sandbox/messages/${toBo!.id}/auto-reply`, { method: 'POST', token, body: { returnDate: '2030-01-15' } })).status).toBe(201);
    const campaignId = campaignUrl.split('/').pop()!;
    // The inject asks for a sync at once; if one was already running the next period's sync reads
    // them, so the wait covers more than one whole sync period.
    for (let i = 0; ; i++) {
      const listed = await apiJson<{ pagination: { total: number } }>(api, `/api/replies?campaignId=${campaignId}`, { token });
      if (listed.body.pagination.total >= 2) break;
      if (i > 400) throw new Error('the inbox sync did not record the reply and the out-of-office');
      await new Promise((r) => setTimeout(r, 250));
    }

    await page.goto(campaignUrl);
    const lea = page.locator('[data-lead="lea@client.test"]');
    const bo = page.locator('[data-lead="bo@client.test"]');
    await expect(lea.locator('[data-lead-state]').getAttribute('data-lead-state')).resolves.toBe('replied');
    await expect(lea.locator('[data-lead-state]').textContent()).resolves.toBe('Replied — sequence stopped');
    await expect(lea.locator('[data-label="Why"]').textContent()).resolves.toBe('Replied');
    expect(await lea.getByRole('button', { name: 'Pause' }).count()).toBe(0); // over for good: nothing to pause
    await expect(bo.locator('[data-lead-state]').textContent()).resolves.toBe('Paused');
    // Back on Tuesday 15 January: the sequence picks up the next business day, said as dates, not timestamps.
    const why = (await bo.locator('[data-label="Why"]').textContent())!;
    expect(why).toMatch(/^Out of office \(back Tue 15 Jan 2030\): paused until Wed 16 Jan 2030, /);
    expect(why).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await expect(bo.locator('[data-label="Next"]').textContent()).resolves.toMatch(/^resumes 16 Jan 2030/);
    await expect(page.locator('[data-figure="replied"] b').textContent()).resolves.toBe('1');
    await expect(page.locator('[data-lead-count="replied"]').textContent()).resolves.toContain(': 1');
    await expect(page.locator('[data-lead-count="paused"]').textContent()).resolves.toContain(': 1');
    await expect(page.locator('[data-came-back]').getAttribute('data-came-back')).resolves.toBe('2');
    await page.locator('table.rows').last().scrollIntoViewIfNeeded();
    await shoot('leads');

    await page.getByRole('link', { name: 'read them on Replies' }).click();
    expect(page.url()).toContain(`campaignId=${campaignId}`);
    await expect(page.getByLabel('Campaign').locator('option:checked').textContent()).resolves.toBe('Spring outreach');
    const rows = page.locator('tr[data-reply]');
    await expect(rows.count()).resolves.toBe(2);
    const ooo = page.locator('tr[data-reply="out_of_office"]');
    await expect(ooo.textContent()).resolves.toMatch(/bo@client\.test.*Out of office.*Back Tue 15 Jan 2030.*Spring outreach.*Paused/s);
    const answer = rows.filter({ hasText: 'lea@client.test' });
    await expect(answer.textContent()).resolves.toMatch(/Sounds good, send me the pricing please\..*Spring outreach.*Replied — sequence stopped/s);
  });

  it("refuses a viewer's launch on the server, whatever the page shows", async () => {
    await apiJson(api, '/api/auth/sandbox-login', { method: 'POST', body: { email: VIEWER } });
    const members = (await apiJson<{ data: Array<{ userId: string; email: string }> }>(api, '/api/admin/members', { token })).body.data;
    const vic = members.find((m) => m.email === VIEWER)!;
    expect((await apiJson(api, `/api/admin/members/${vic.userId}`, { token, method: 'PATCH', body: { role: 'viewer' } })).status).toBe(200);
    const ctx = await browser.newContext();
    const viewer = await ctx.newPage();
    await viewer.goto(`${api.url}/console/login`);
    await viewer.getByLabel('Email').fill(VIEWER);
    await viewer.getByRole('button', { name: /sign in/i }).first().click();
    await viewer.goto(campaignUrl);
    expect(await viewer.getByRole('button', { name: 'Pause campaign' }).count()).toBe(0);
    await expect(viewer.locator('main').textContent()).resolves.toContain('viewers change nothing');
    const csrf = await viewer.locator('input[name="_csrf"]').first().inputValue();
    const res = await viewer.request.post(`${campaignUrl}/pause`, { form: { _csrf: csrf }, headers: { origin: api.url } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toContain('Viewers can read');
    await ctx.close();
    await page.goto(campaignUrl);
    await expect(page.locator('[data-status]').textContent()).resolves.toBe('Running');
  });

  it('archives after a confirmation', async () => {
    await page.goto(campaignUrl);
    await page.getByRole('link', { name: 'Archive…' }).click();
    await expect(page.getByRole('alertdialog').textContent()).resolves.toContain('Archive “Spring outreach”?');
    await page.getByRole('button', { name: 'Archive campaign' }).click();
    await expect(notice().textContent()).resolves.toContain('it is read-only now');
    await expect(page.locator('[data-status]').textContent()).resolves.toBe('Archived');
  });
});
