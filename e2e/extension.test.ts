import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import { startFakeOpenAI, type FakeOpenAI } from '../api/test/fake-openai';
import type { SandboxMessage } from '../shared/contracts/sandbox';
import type { Email } from '../shared/contracts/emails';
import type { EmailTimelineResponse } from '../shared/contracts/events';
import type { Figures } from '../shared/contracts/dashboard';
import { apiJson, fakeAiEnv, startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { DIST, launchWithExtension, serveGmail, shoot, type LoadedExtension } from './helpers/browser';
import { FIXTURE_THREAD_ID } from './helpers/gmail-fixture';

/**
 * The extension as a rep meets it: built, loaded unpacked in Chromium, on the fixture
 * Gmail page where the real InboxSDK loads, against a real embedded API.
 */
const SHOTS = 'test-results';
const GMAIL = `https://mail.google.com/mail/u/0/#inbox/${FIXTURE_THREAD_ID}`;

/** A person's browser, not a proxy or a scanner: what a prospect opening the email sends. */
const PERSON_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const AI_BODY = 'Hi Ada, Acme is hiring three SDRs this quarter; Lumina halves their ramp time. Would Thursday at 10 work for 15 minutes?';

let api: RunningApi;
let ai: FakeOpenAI;
let ext: LoadedExtension;
let gmail: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ai = await startFakeOpenAI();
  [api, ext] = await Promise.all([
    // LUMINA_E2E_LOG=error shows the API's own log when a flow fails.
    startEmbeddedApi({ ...fakeAiEnv(ai), ...(process.env.LUMINA_E2E_LOG ? { LOG_LEVEL: process.env.LUMINA_E2E_LOG } : {}) }),
    launchWithExtension(),
  ]);
});

afterAll(async () => {
  await ext?.close();
  await api?.close();
  await ai?.close();
});

const extensionPage = (path: string) => ext.openPage(path);

/**
 * What the extension keeps in chrome.storage.local, read from one of its pages (not from
 * the service worker: a test stops that one, and a stopped worker's handle never answers).
 */
let storagePage: Page | undefined;
const storage = async <T>(key: string): Promise<T | undefined> => {
  storagePage ??= await extensionPage('extension/options/index.html');
  return storagePage.evaluate(async (k) => (await chrome.storage.local.get(k))[k], key) as Promise<T | undefined>;
};

const until = async <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
};

const glow = (page: Page) => page.locator('lumina-root[data-lumina="glow"] [data-testid="glow-panel"]');
const glowIn = (page: Page, state: string) => page.locator(`lumina-root[data-lumina="glow"] [data-testid="glow-panel"][data-glow="${state}"]`);
const composeBody = (page: Page) => page.locator('[role="dialog"] [g_editable="true"]');
/** The rep's session token, as the options page stored it at sign-in. */
let repToken = '';
const token = async () => repToken;

/** Waits for a Glow state; on time-out says which state the panel is in and what it shows. */
async function glowState(page: Page, state: string, timeoutMs = 20_000) {
  try {
    await glowIn(page, state).waitFor({ timeout: timeoutMs });
  } catch {
    const panel = glow(page);
    throw new Error(`Glow never reached "${state}": it is "${await panel.getAttribute('data-glow')}" showing ${JSON.stringify(await panel.textContent())}`);
  }
}

/** What the send flow and the tracking flow share. */
const sent: { emailId?: string; subject?: string; message?: SandboxMessage; pixelPath?: string; replyId?: string } = {};

/** Where the sent email's state stays once Lumina closed the compose (bottom left, like Gmail's "Message sent"). */
const sendToast = (page: Page) => page.locator('lumina-root[data-lumina="send-status"] [data-testid="send-status"]');

/** "Send with Lumina", through the pre-send check when it has warnings; answers the email id the status shows. */
async function sendWithLumina(page: Page, clicks: 1 | 2 = 1): Promise<string> {
  const panel = glow(page);
  await panel.getByTestId('send-with-lumina').click();
  await panel.getByTestId('presend').or(sendToast(page)).first().waitFor();
  const anyway = panel.getByRole('button', { name: 'Send anyway' });
  if (await anyway.isVisible()) await (clicks === 2 ? anyway.dblclick() : anyway.click());
  const status = sendToast(page);
  await status.waitFor({ timeout: 20_000 });
  return (await status.getAttribute('data-email-id'))!;
}

const pixelHit = (path: string) => fetch(`${api.url}${path}`, { headers: { 'user-agent': PERSON_UA } });
const eventsOf = async (emailId: string) => {
  const res = await apiJson<EmailTimelineResponse>(api, `/api/emails/${emailId}/events`, { token: await token() });
  if (res.status !== 200) throw new Error(`GET /api/emails/${emailId}/events answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};

describe('Lumina in Chromium', () => {
  it('is built with the least it needs: four permissions, Gmail and the API host, a Chrome version, InboxSDK’s page world', () => {
    const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ manifest_version: 3, name: 'Lumina', version: '0.1.0', version_name: '0.1.0' });
    expect(manifest.permissions).toEqual(['storage', 'alarms', 'identity', 'scripting']);
    expect(manifest.host_permissions).toEqual(['https://mail.google.com/*', 'http://127.0.0.1/*']);
    expect(existsSync(join(DIST, 'pageWorld.js'))).toBe(true);
  });

  it('signs in from the options page (sandbox login against the real API)', async () => {
    const options = await extensionPage('extension/options/index.html');
    await options.getByTestId('api-url').fill(api.url);
    await options.getByRole('button', { name: 'Save' }).click();
    await options.getByTestId('note').filter({ hasText: 'API URL saved.' }).waitFor();
    // The page checks its own fields and says what is wrong, in words.
    await options.getByRole('button', { name: 'Sign in (sandbox)' }).click();
    await options.getByTestId('note').filter({ hasText: 'Enter your work e-mail address to sign in.' }).waitFor();
    await options.getByTestId('email').fill('rita');
    await options.getByRole('button', { name: 'Sign in (sandbox)' }).click();
    await options.getByTestId('note').filter({ hasText: '“rita” is not an e-mail address' }).waitFor();
    // This server has no Google client: no Google button to fail.
    await options.getByTestId('server').filter({ hasText: 'Google sign-in off' }).waitFor();
    expect(await options.getByRole('button', { name: 'Sign in with Google' }).count()).toBe(0);
    await shoot(options, 'options-errors');
    await options.getByTestId('email').fill('rep@lumina.test');
    await options.getByTestId('name').fill('Rita Rep');
    await options.getByRole('button', { name: 'Sign in (sandbox)' }).click();
    await options.getByTestId('signed-in').waitFor();
    expect(await options.getByTestId('signed-in').textContent()).toContain('rep@lumina.test');
    // The connected mailbox and the workspace's Gmail mode, as the API knows them.
    await options.getByTestId('mailbox').waitFor();
    expect(await options.getByTestId('mailbox').textContent()).toMatch(/rep@lumina\.test — sandbox mailbox, active/);
    expect(await options.getByTestId('gmail-mode').textContent()).toMatch(/Gmail mode: (light|full)/);
    await shoot(options, 'options');
    const session = await storage<{ token: string }>('session');
    repToken = session!.token;
    expect((await apiJson(api, '/api/me', { token: repToken })).status).toBe(200);
    await options.close();
  });

  it('loads the real InboxSDK on the fixture Gmail and mounts the Glow panel in the compose', async () => {
    gmail = await ext.context.newPage();
    await gmail.goto(GMAIL);
    await gmail.waitForFunction(() => document.documentElement.dataset.lumina === 'inboxsdk', null, { timeout: 20_000 });
    await glow(gmail).waitFor({ timeout: 20_000 });
    expect(await gmail.locator('lumina-root[data-host="inboxsdk"]').count()).toBeGreaterThan(0);
    // InboxSDK's own compose button (addButton) is in Gmail's toolbar.
    await gmail.locator('[role="dialog"] [aria-label="Lumina"], [role="dialog"] [data-tooltip="Lumina"]').first().waitFor({ state: 'attached' });
    // Loaded with eventTracking: false — InboxSDK only elects an event logger when tracking is on.
    expect(await gmail.evaluate(() => document.documentElement.hasAttribute('data-inboxsdk-app-logger-master-chosen'))).toBe(false);
  });

  it('updates the score as the rep types, and keeps the draft locally', async () => {
    const score = glow(gmail).getByTestId('score');
    const before = await score.getAttribute('data-score');
    const body = gmail.locator('[role="dialog"] [g_editable="true"]');
    await body.click();
    await gmail.keyboard.press('End');
    // A few real keystrokes, then the rest of the sentence at once (as a paste): one input event each.
    await gmail.keyboard.type(' I noticed');
    await gmail.keyboard.insertText(
      ' Acme is hiring three SDRs this quarter. Teams like yours use Lumina to cut ramp time in half. Would a 15-minute call on Thursday work to see if it fits?',
    );
    await until(async () => (await score.getAttribute('data-score')) !== before && true, 'the score to change');
    await glow(gmail).getByTestId('saved').filter({ hasText: /^Saved$/ }).waitFor();
    // The first-run card says what Lumina does, once.
    expect(await glow(gmail).getByTestId('intro').textContent()).toContain('Lumina scores this email as you write');
    await shoot(gmail, 'compose-glow');
    await glow(gmail).getByRole('button', { name: 'Got it' }).click();
    await glow(gmail).getByTestId('intro').waitFor({ state: 'detached' });
  });

  it('shows the words a signal is about: hovering the spam-phrase signal marks "limited time" in the Glow preview', async () => {
    const panel = glow(gmail);
    const phrase = ' This is a limited time offer.';
    await composeBody(gmail).click();
    await gmail.keyboard.press('End');
    await gmail.keyboard.insertText(phrase);
    const signal = panel.getByTestId('signal').filter({ hasText: /limited time/i });
    await signal.waitFor();
    await signal.hover();
    const preview = panel.getByTestId('signal-preview');
    await preview.waitFor();
    expect((await preview.getByTestId('signal-span').textContent())?.toLowerCase()).toBe('limited time');
    expect(await preview.getAttribute('data-field')).toBe('body');
    expect(await preview.textContent()).toContain('This is a limited time offer.');
    // Taking the phrase out again drops the signal and its preview with it.
    for (let i = 0; i < phrase.length; i++) await gmail.keyboard.press('Backspace');
    await signal.waitFor({ state: 'detached' });
    expect(await preview.count()).toBe(0);
    await until(async () => !(await composeBody(gmail).textContent())?.includes('limited'), 'the phrase to be gone');
  });

  it('restores the draft after a reload of Gmail', async () => {
    await gmail.reload();
    await glow(gmail).waitFor({ timeout: 20_000 });
    const body = gmail.locator('[role="dialog"] [g_editable="true"]');
    await until(async () => (await body.textContent())?.includes('15-minute call on Thursday'), 'the restored body');
    expect(await glow(gmail).getByTestId('saved').textContent()).toMatch(/Restored your draft|Saved/);
  });

  it('syncs the draft to the API with its id and version', async () => {
    const found = await until(async () => {
      const res = await apiJson<{ data: Array<{ id: string; version: number; bodyText: string | null; subject: string }> }>(api, '/api/drafts', { token: repToken });
      return res.body?.data?.find((d) => d.bodyText?.includes('15-minute call on Thursday'));
    }, 'the draft on the API');
    expect(found.subject).toBe('Onboarding at Acme');
    expect(found.version).toBeGreaterThanOrEqual(1);
  });

  it('loses nothing when the service worker is killed mid-sync', async () => {
    const body = gmail.locator('[role="dialog"] [g_editable="true"]');
    await body.click();
    await gmail.keyboard.press('End');
    const cdp = await ext.context.newCDPSession(gmail);
    await cdp.send('ServiceWorker.enable');
    await gmail.keyboard.insertText(' PS: survived a dead worker.');
    // Stop every service worker right as the debounced save asks for a sync.
    await gmail.waitForTimeout(320);
    await cdp.send('ServiceWorker.stopAllWorkers');
    await gmail.keyboard.type('!'); // a new change: its message wakes a new worker, which finds the outbox dirty
    const found = await until(async () => {
      const res = await apiJson<{ data: Array<{ bodyText: string | null }> }>(api, '/api/drafts', { token: repToken });
      return res.body?.data?.find((d) => d.bodyText?.includes('survived a dead worker.!'));
    }, 'the post-kill text on the API', 30_000);
    expect(found.bodyText).toContain('15-minute call on Thursday');
  });

  it('mounts the tracking sidebar in a thread through InboxSDK (the fixture’s own thread holds no Lumina email)', async () => {
    const sidebar = gmail.locator('lumina-root[data-lumina="sidebar"] [data-testid="tracking-sidebar"]');
    await sidebar.and(gmail.locator('[data-phase="ready"]')).waitFor({ state: 'attached', timeout: 20_000 });
    expect(await sidebar.textContent()).toContain('No Lumina email in this thread.');
  });

  it('takes an AI suggestion from the OpenAI-compatible fake: thinking → ready with a diff → applied, and Undo (click or Ctrl+Z) gives the rep their text back', async () => {
    const panel = glow(gmail);
    const before = (await composeBody(gmail).textContent())!;
    // A provider that takes its time, so the rep sees the Glow think.
    ai.script({ fault: 'slow', ms: 1_500, then: { json: { subject: 'Onboarding at Acme', body: AI_BODY, confidence: 0.9 } } });
    await panel.getByRole('button', { name: 'Rewrite' }).click();
    await glowState(gmail, 'thinking');
    await glowState(gmail, 'ready');
    expect(await panel.getByTestId('diff').textContent()).toContain('halves their ramp time');
    expect(await panel.getByTestId('confidence').textContent()).toBe('Model confidence 90%');
    expect(await composeBody(gmail).textContent()).not.toContain('halves their ramp time'); // nothing applied without an accept
    await shoot(gmail, 'compose-glow-suggestion');
    await panel.getByTestId('accept').click();
    await glowState(gmail, 'applied');
    await until(async () => (await composeBody(gmail).textContent())?.trim() === AI_BODY, 'the suggestion in the compose');
    await shoot(gmail, 'compose-glow-applied');
    await panel.getByTestId('undo').click();
    await until(async () => (await composeBody(gmail).textContent())?.trim() === before.trim(), 'the rep’s text back after Undo');
    await glowState(gmail, 'idle');

    // Again, and this time Ctrl+Z in the compose takes it back (another tone: the same draft and tone would be the cached answer).
    ai.script({ json: { subject: 'Onboarding at Acme', body: AI_BODY, confidence: 0.9 } });
    await panel.getByLabel('Tone').selectOption('friendly');
    await panel.getByRole('button', { name: 'Rewrite' }).click();
    await glowState(gmail, 'ready');
    await panel.getByTestId('accept').click();
    await until(async () => (await composeBody(gmail).textContent())?.trim() === AI_BODY, 'the suggestion in the compose');
    await composeBody(gmail).click();
    await gmail.keyboard.press('Control+z');
    await until(async () => (await composeBody(gmail).textContent())?.trim() === before.trim(), 'the rep’s text back after Ctrl+Z');
    await panel.getByTestId('saved').filter({ hasText: /^Saved$/ }).waitFor();
  });

  it('a stale suggestion that rewrites what the rep just typed cannot be applied: Ask again runs on the current draft', async () => {
    const panel = glow(gmail);
    ai.script({ json: { subject: 'Onboarding at Acme', body: AI_BODY, confidence: 0.9 } });
    await panel.getByLabel('Tone').selectOption('formal');
    await panel.getByRole('button', { name: 'Rewrite' }).click();
    await glowState(gmail, 'ready');
    // The rep rewords what the suggestion rewrites ("I noticed" is gone from it): no merge can keep both.
    const mine = (await composeBody(gmail).textContent())!;
    expect(mine).toContain('I noticed');
    await composeBody(gmail).fill(`${mine.replace('I noticed', 'I saw')} Best, Rita`);
    await glowState(gmail, 'stale');
    expect(await panel.getByTestId('stale-note').textContent()).toContain('You edited the same words this suggestion rewrites.');
    expect(await panel.getByTestId('accept').count()).toBe(0);
    await shoot(gmail, 'compose-glow-stale');
    ai.script({ json: { subject: 'Onboarding at Acme', body: `${AI_BODY} Best, Rita`, confidence: 0.8 } });
    await panel.getByTestId('ask-again').click();
    await glowState(gmail, 'ready');
    expect(JSON.stringify(ai.requests.at(-1))).toContain('I saw');
    await panel.getByRole('button', { name: 'Reject' }).click();
    await glowState(gmail, 'idle');
  });

  it('each subject line applies, even after an edit to the body (a merge: the rep’s words stay)', async () => {
    const panel = glow(gmail);
    ai.script({ json: { options: ['Ramp time at Acme', 'Halving SDR ramp at Acme', 'Thursday?'], confidence: 0.7 } });
    await panel.getByRole('button', { name: 'Subject lines' }).click();
    await glowState(gmail, 'ready');
    expect(await panel.getByTestId('subject-options').locator('li').count()).toBe(3);
    await composeBody(gmail).click();
    await gmail.keyboard.press('End');
    await gmail.keyboard.type(' Thanks!');
    await glowState(gmail, 'stale');
    await panel.getByTestId('use-subject-1').click();
    await glowState(gmail, 'applied');
    expect(await gmail.locator('[role="dialog"] input[name="subjectbox"]').inputValue()).toBe('Halving SDR ramp at Acme');
    expect(await composeBody(gmail).textContent()).toContain('Thanks!');
    expect(ai.requests.length).toBe(5);
  });

  it('streams a generated email into the Glow while the provider writes, then applies it', async () => {
    const panel = glow(gmail);
    const generated = 'Subject: Ramp time at Acme\n\nHi Ada,\n\nAcme is hiring three SDRs; Lumina halves their ramp. Thursday at 10 for 15 minutes?\n\nBest,\nRita';
    ai.script({ content: generated, chunkDelayMs: 60 });
    await panel.getByTestId('goal').fill('book a 15-minute call about SDR ramp time');
    await panel.getByRole('button', { name: 'Generate' }).click();
    // Part of the text is on screen while the provider is still writing.
    await until(async () => {
      const shown = (await panel.getByTestId('stream').textContent().catch(() => '')) ?? '';
      return shown.startsWith('Subject: Ramp') && shown.length < generated.length && (await panel.getAttribute('data-glow')) === 'thinking';
    }, 'streamed tokens while thinking');
    await glowState(gmail, 'ready');
    expect(ai.requests.at(-1)?.stream).toBe(true);
    expect(await panel.getByTestId('suggestion').textContent()).toContain('Ramp time at Acme');
    // A streamed generate has no confidence of the model's own: none is shown (not the heuristic score under that name).
    expect(await panel.getByTestId('confidence').count()).toBe(0);
    await panel.getByTestId('accept').click();
    await glowState(gmail, 'applied');
    await until(async () => (await composeBody(gmail).textContent())?.includes('Lumina halves their ramp'), 'the generated body in the compose');
    expect(await gmail.locator('[role="dialog"] input[name="subjectbox"]').inputValue()).toBe('Ramp time at Acme');
    // Paragraphs, not one wall of text.
    expect(await composeBody(gmail).evaluate((el) => el.querySelectorAll('p').length)).toBe(3);
  });

  it('sends with Lumina: the compose closes, the status follows to Sent, exactly one message even after a double click and a reopened compose', async () => {
    sent.subject = await gmail.locator('[role="dialog"] input[name="subjectbox"]').inputValue();
    const text = await composeBody(gmail).innerText();
    const first = await sendWithLumina(gmail, 2);
    // Like Gmail's own Send: the compose is gone, no second Send button beside it.
    await gmail.locator('[role="dialog"] [g_editable="true"]').waitFor({ state: 'detached', timeout: 10_000 });
    const toast = sendToast(gmail);
    await toast.filter({ hasText: /^Sent \d/ }).waitFor({ timeout: 30_000 });
    expect(await toast.getAttribute('data-status')).toBe('SENT');
    await shoot(gmail, 'compose-sent');
    // The same compose again after a reload (the fixture brings it back): the sent draft shows its email, never a second send.
    await gmail.reload();
    await glow(gmail).waitFor({ timeout: 20_000 });
    const status = glow(gmail).getByTestId('send-status');
    await status.filter({ hasText: /^Sent \d/ }).waitFor({ timeout: 20_000 });
    expect(await status.getAttribute('data-email-id')).toBe(first);
    expect(await glow(gmail).getByTestId('send-with-lumina').isDisabled()).toBe(true);
    sent.emailId = first;

    const email = (await apiJson<Email>(api, `/api/emails/${first}`, { token: await token() })).body;
    expect(email.status).toBe('SENT');
    const box = await apiJson<{ data: SandboxMessage[] }>(api, '/api/sandbox/messages?limit=100', { token: await token() });
    const delivered = box.body.data.filter((m) => m.subject === sent.subject);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ to: 'ada@prospect.test', threadId: email.threadId });
    const parsed = await PostalMime.parse(delivered[0]!.raw);
    expect(parsed.text).toContain(text.slice(0, 30));
    // The generated paragraphs reach both MIME parts: <p> in the HTML, blank lines in the text.
    expect(parsed.html?.match(/<p>/g)?.length).toBeGreaterThanOrEqual(3);
    expect(parsed.text).toMatch(/Hi Ada,\s*\n\s*\n/);
    sent.message = delivered[0];
    sent.pixelPath = parsed.html?.match(/\/t\/o\/[A-Za-z0-9._-]+/)?.[0];
    expect(sent.pixelPath).toBeTruthy();
  });

  it('shows the send, a human open and the reply in the tracking sidebar (DOM host: InboxSDK message views need real Gmail); the rep’s own view is no open', async () => {
    const { emailId, message } = sent;
    expect(emailId && message).toBeTruthy();
    // The prospect opens the email, then answers it.
    expect((await pixelHit(sent.pixelPath!)).status).toBe(200);
    await until(async () => (await eventsOf(emailId!)).figures.humanOpens === 1, 'the human open');
    const reply = await apiJson<{ id: string }>(api, `/api/sandbox/messages/${message!.id}/reply`, { method: 'POST', token: await token(), body: { text: 'Sounds good, Thursday works.' } });
    expect(reply.status).toBe(201);
    sent.replyId = reply.body.id;

    // The rep opens that thread in Gmail: our message and the reply, as Gmail shows them.
    const page = await ext.context.newPage();
    await serveGmail(page, {
      inboxSdk: false,
      composeId: false,
      threadId: message!.threadId,
      subject: message!.subject,
      messages: [
        { id: message!.id, from: 'rep@lumina.test', fromName: 'Rita Rep', date: new Date(message!.sentAt), text: AI_BODY },
        { id: reply.body.id, from: 'ada@prospect.test', fromName: 'Ada Prospect', date: new Date(), text: 'Sounds good, Thursday works.' },
      ],
    });
    await page.goto(`https://mail.google.com/mail/u/9/#inbox/${message!.threadId}`);
    const sidebar = page.locator('lumina-root[data-host="dom"] [data-testid="tracking-sidebar"]');
    await sidebar.and(page.locator('[data-phase="ready"]')).waitFor({ timeout: 30_000 });
    const card = sidebar.getByTestId('tracked-email');
    expect(await card.getAttribute('data-email-id')).toBe(emailId);
    expect(await card.getByTestId('email-status').getAttribute('data-status')).toBe('SENT');
    expect(await card.getByTestId('email-status').textContent()).toMatch(/^Sent /);
    expect(await card.getByTestId('human-opens').textContent()).toBe('1');
    expect(await card.getByTestId('replies').textContent()).toBe('1');
    expect(await sidebar.getByTestId('prospect-card').textContent()).toContain('ada@prospect.test');
    // Light mode: the content script reported the reply it saw (or found it already recorded by the inbox sync).
    expect(await sidebar.getAttribute('data-reported')).toMatch(/^(recorded|duplicate):1$/);
    const replies = (await eventsOf(emailId!)).data.filter((e) => e.type === 'reply');
    expect(replies.map((e) => e.data.providerMessageId)).toEqual([reply.body.id]);

    // Gmail loads the pixel for the rep looking at their own thread: never an open.
    expect((await pixelHit(sent.pixelPath!)).status).toBe(200);
    await until(async () => (await eventsOf(emailId!)).figures.opens === 2, 'the self-view fetch to be recorded');
    expect((await eventsOf(emailId!)).data.filter((e) => e.type === 'open').map((e) => e.reason)).toEqual(['human', 'self_view']);
    await sidebar.getByRole('button', { name: 'Refresh' }).click();
    await until(async () => (await card.getByTestId('machine-opens').textContent()) === '1', 'the machine open in the sidebar');
    expect(await card.getByTestId('human-opens').textContent()).toBe('1');
    await shoot(page, 'sidebar');
    await page.close();
  });

  it('shows the same numbers in the popup as the dashboard API: sent, human opens, replies', async () => {
    const popup = await extensionPage('extension/popup/index.html');
    await popup.getByTestId('who').waitFor();
    expect(await popup.getByTestId('who').textContent()).toContain('rep@lumina.test');
    // A send the rep made with Gmail's own Send, as the content script reports it (InboxSDK's `sent`
    // needs Gmail's real network traffic, which the fixture page has not): through the real worker and API.
    const ask = (msg: unknown) => popup.evaluate((m) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage(m), msg);
    // First, one made while the API is out of reach (pointed at a closed port): kept in the extension's storage, not lost.
    await ask({ type: 'settings.setApiUrl', apiUrl: 'http://127.0.0.1:4749' });
    const offline = { type: 'manualSend.report', account: 'rep@lumina.test', report: { gmailMessageId: '18f00000000000f0' } };
    expect(await ask(offline)).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(await storage('manualSend:18f00000000000f0')).toMatchObject({ attempts: 1, report: { gmailMessageId: '18f00000000000f0' } });
    expect(await ask({ type: 'settings.setApiUrl', apiUrl: api.url })).toMatchObject({ ok: true });
    // The network is back (what the content script's `online` asks): the kept report goes, and leaves storage.
    await ask({ type: 'sync.now' });
    expect(await storage('manualSend:18f00000000000f0')).toBeUndefined();
    const report = { type: 'manualSend.report', account: 'rep@lumina.test', report: { gmailMessageId: '18f00000000000f1' } };
    expect(await ask(report)).toMatchObject({ ok: true, data: { outcome: 'recorded', mailbox: { usedFromGmail: 2 } } });
    // Reported again (a retry): counted once.
    expect(await ask(report)).toMatchObject({ ok: true, data: { outcome: 'already_recorded', mailbox: { usedFromGmail: 2 } } });
    await popup.reload();
    await popup.getByTestId('who').waitFor();
    await popup.locator('[data-stat="sent"] dd').waitFor();
    expect(await popup.getByTestId('who').textContent()).toContain('the emails you sent');
    const stats = await apiJson<{ figures: Figures }>(api, '/api/dashboard/stats?days=7&scope=me', { token: await token() });
    expect(stats.body.figures).toMatchObject({ sent: 1, humanOpens: 1, replies: 1 });
    const shown = async (key: string) => popup.locator(`[data-stat="${key}"] dd`).textContent();
    expect(await shown('sent')).toBe('1');
    expect(await shown('humanOpens')).toBe('1');
    expect(await shown('replies')).toBe('1');
    expect(await shown('replyRate')).toBe('100%');
    expect(await popup.getByTestId('timeline').locator('svg polyline').count()).toBe(3);
    expect(await popup.getByTestId('sent-today-count').textContent()).toBe('1');
    const mailboxes = await apiJson<{ data: Array<{ email: string; remaining: number; usedByLumina: number; usedFromGmail: number; effectiveCap: number }> }>(api, '/api/mailboxes', { token: await token() });
    const budget = popup.getByTestId('mailbox-budget').first();
    const box = mailboxes.body.data[0]!;
    expect(await budget.getAttribute('data-remaining')).toBe(String(box.remaining));
    expect(await budget.textContent()).toContain('rep@lumina.test');
    // The meter tells Lumina's sends from the rep's own Gmail ones.
    expect(box).toMatchObject({ usedByLumina: 1, usedFromGmail: 2 });
    expect(await budget.getByTestId('budget-words').textContent()).toBe(`1 sent by Lumina · 2 from Gmail · ${box.remaining} left of ${box.effectiveCap}`);
    // Where a rep looks: inside the first screen of the popup (Chrome shows at most 600 px of it), above the charts.
    const bottom = await budget.evaluate((el) => el.getBoundingClientRect().bottom);
    expect(bottom).toBeLessThan(600);
    expect(bottom).toBeLessThan(await popup.locator('[data-testid="stats"]').evaluate((el) => el.getBoundingClientRect().top));
    expect(await popup.getByTestId('recent-email').first().textContent()).toContain('ada@prospect.test');
    expect(await popup.getByTestId('campaigns').textContent()).toContain('No campaign running.');
    await shoot(popup, 'popup');
    // Team: the workspace's figures, said so.
    await popup.locator('[data-scope="workspace"]').click();
    await popup.getByText(/figures for the whole/).waitFor();
    const team = await apiJson<{ figures: Figures }>(api, '/api/dashboard/stats?days=7&scope=workspace', { token: await token() });
    await popup.locator('[data-stat="sent"] dd').waitFor();
    expect(await shown('sent')).toBe(String(team.body.figures.sent));
    expect(await popup.locator('[data-scope="workspace"]').getAttribute('aria-pressed')).toBe('true');
    await popup.close();
  });

  it('fills a template from the prospect record, adds the recipient to a sequence, warns before the send, then schedules it', async () => {
    const t = await token();
    await apiJson(api, '/api/prospects', { method: 'POST', token: t, body: { email: 'ada@prospect.test', firstName: 'Ada', company: 'Acme' } });
    await apiJson(api, '/api/templates', { method: 'POST', token: t, body: { name: 'Ramp intro', subject: 'Ramp time at {{company}}', bodyHtml: '<p>Hi {{firstName}},</p><p>Is {{custom.deal_size}} still the plan?</p>' } });
    const campaign = await apiJson<{ id: string }>(api, '/api/campaigns', { method: 'POST', token: t, body: { name: 'Q4 SDR', steps: [{ subject: 'Ramp time', bodyHtml: '<p>Hi {{firstName}}</p>' }] } });
    expect(campaign.status).toBe(201);

    // A second compose on the real InboxSDK: a new draft of its own.
    const page = await ext.context.newPage();
    await page.goto(`https://mail.google.com/mail/u/0/?compose=cmp7#inbox/${FIXTURE_THREAD_ID}`);
    const panel = glow(page);
    await panel.waitFor({ timeout: 20_000 });
    await panel.getByRole('button', { name: 'Templates' }).click();
    await panel.getByLabel('Template').selectOption({ label: 'Ramp intro' });
    // The fixture's compose already says "Hi Ada,": wait for the template's own words.
    await until(async () => (await composeBody(page).textContent())?.includes('still the plan?'), 'the template in the compose');
    expect(await composeBody(page).textContent()).toMatch(/^Hi Ada,\s*Is \{\{custom\.deal_size\}\} still the plan\?$/);
    expect(await page.locator('[role="dialog"] input[name="subjectbox"]').inputValue()).toBe('Ramp time at Acme');
    expect(await panel.getByTestId('missing-vars').locator('mark').allTextContents()).toEqual(['{{custom.deal_size}}']);

    await panel.getByRole('button', { name: 'Add to sequence' }).click();
    await panel.getByLabel('Sequence').selectOption({ label: 'Q4 SDR (draft)' });
    await panel.getByTestId('sequence-note').filter({ hasText: 'added to “Q4 SDR”' }).waitFor();
    const leads = await apiJson<{ data: Array<{ email: string }> }>(api, `/api/campaigns/${campaign.body.id}/leads`, { token: t });
    expect(leads.body.data.map((l) => l.email)).toEqual(['ada@prospect.test']);

    // Suppressed meanwhile: the check says so, with the sequence and variable warnings — and sends nothing.
    const suppression = await apiJson<{ id: string }>(api, '/api/suppressions', { method: 'POST', token: t, body: { email: 'ada@prospect.test' } });
    await panel.getByTestId('send-with-lumina').click();
    const presend = panel.getByTestId('presend');
    await presend.waitFor();
    // What the server refuses blocks, with the reason and no "Send anyway"; the rest is a warning.
    expect(await presend.getByTestId('presend-blocking').locator('li').allTextContents()).toEqual([
      'Fill in {{custom.deal_size}} first: the prospect would see the braces.',
      'ada@prospect.test is on the do-not-email list (manual): Lumina will not send to this address.',
    ]);
    expect(await presend.getByTestId('presend-warnings').locator('li').allTextContents()).toContain('Sequence mail (“Q4 SDR”) without an unsubscribe line: add a way to opt out.');
    expect(await panel.getByRole('button', { name: 'Send anyway' }).count()).toBe(0);
    await shoot(page, 'compose-presend');
    await panel.getByRole('button', { name: 'Back to editing' }).click();
    expect((await apiJson(api, `/api/suppressions/${suppression.body.id}`, { method: 'DELETE', token: t })).status).toBeLessThan(300);

    // The rep fills the gap and adds an opt-out; then tomorrow at 9, clicks untracked: the API holds it under the sequence.
    await composeBody(page).fill('Hi Ada, is a three-seat pilot still the plan? Reply "unsubscribe" and I will not write again.');
    await panel.getByTestId('saved').filter({ hasText: /^Saved$/ }).waitFor();
    await panel.getByLabel('Track clicks').uncheck();
    const tomorrow = new Date(Date.now() + 864e5);
    const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T09:00`;
    await panel.getByLabel('Send later').fill(local);
    await panel.getByRole('button', { name: 'Schedule with Lumina' }).click();
    const status = sendToast(page);
    await presend.or(status).first().waitFor();
    if (await presend.isVisible()) {
      // What is left to say is the score, nothing of what was fixed.
      expect((await presend.locator('li').allTextContents()).filter((w) => !w.startsWith('The score'))).toEqual([]);
      await panel.getByRole('button', { name: 'Send anyway' }).click();
    }
    await status.waitFor({ timeout: 20_000 });
    await status.filter({ hasText: /^Scheduled for / }).waitFor({ timeout: 10_000 });
    const emailId = await status.getAttribute('data-email-id');
    const email = await apiJson<Email>(api, `/api/emails/${emailId}`, { token: t });
    expect(email.body).toMatchObject({ to: 'ada@prospect.test', subject: 'Ramp time at Acme', campaignId: campaign.body.id, track: { opens: true, clicks: false } });
    expect(new Date(email.body.scheduledAt!).getTime()).toBe(new Date(local).getTime());
    expect(email.body.sentAt).toBeNull();
    await shoot(page, 'compose-scheduled');
    // Cancelled from the status itself: the API holds it as cancelled, nothing goes out.
    await status.getByTestId('cancel-send').click();
    await status.filter({ hasText: 'Cancelled: not sent' }).waitFor();
    expect((await apiJson<Email>(api, `/api/emails/${emailId}`, { token: t })).body.status).toBe('CANCELLED');
    await page.close();
  });

  it('falls back to the DOM host when InboxSDK cannot load (DOM host only), and the popup says degraded', async () => {
    const page = await ext.context.newPage();
    await page.goto(`https://mail.google.com/mail/u/9/?compose=cmp9#inbox/${FIXTURE_THREAD_ID}`);
    await page.waitForFunction(() => document.documentElement.dataset.lumina === 'dom', null, { timeout: 20_000 });
    const panel = page.locator('lumina-root[data-host="dom"] [data-testid="glow-panel"]');
    await panel.waitFor();
    const before = await panel.getByTestId('score').textContent();
    await page.locator('[role="dialog"] [g_editable="true"]').click();
    await page.keyboard.insertText(' FREE!!! ACT NOW, CLICK HERE');
    await until(async () => (await panel.getByTestId('score').textContent()) !== before, 'the score to change on the DOM host');
    const popup = await extensionPage('extension/popup/index.html');
    await popup.getByTestId('degraded').waitFor();
    await popup.close();
    await page.close();
  });

  it("counts a send made with Gmail's own Send on the DOM host once in the popup's budget line, by the id Gmail's notice shows; an undone one not at all", async () => {
    type Box = { id: string; email: string; usedFromGmail: number; remaining: number; effectiveCap: number; usedByLumina: number };
    const mailbox = async () => (await apiJson<{ data: Box[] }>(api, '/api/mailboxes', { token: await token() })).body.data.find((m) => m.email === 'rep@lumina.test')!;
    const before = await mailbox();
    const page = await ext.context.newPage();
    await page.goto(`https://mail.google.com/mail/u/9/?compose=cmp10#inbox/${FIXTURE_THREAD_ID}`);
    await page.waitForFunction(() => document.documentElement.dataset.lumina === 'dom', null, { timeout: 20_000 });
    const panel = page.locator('lumina-root[data-host="dom"] [data-testid="glow-panel"]');
    await panel.waitFor();
    const notice = page.locator('[role="alert"]').filter({ hasText: 'Message sent' });
    // Ctrl+Enter, then Undo while Gmail offers it: the message was never sent, nothing to count.
    await composeBody(page).click();
    await page.keyboard.press('Control+Enter');
    await notice.getByText('Undo').click();
    await page.locator('[role="alert"]').filter({ hasText: 'Sending undone.' }).waitFor();
    // Gmail reopens the draft; this time Send goes through (Undo runs out).
    await panel.waitFor();
    await page.locator('[role="dialog"] [role="button"]').filter({ hasText: /^Send$/ }).click();
    await notice.waitFor();
    await notice.getByText('Undo').waitFor({ state: 'detached' });
    const gmailSent = await page.evaluate(() => (window as unknown as { __gmailSent: Array<{ id: string; undone: boolean }> }).__gmailSent);
    expect(gmailSent.map((s) => s.undone)).toEqual([true, false]);
    await until(async () => (await mailbox()).usedFromGmail === before.usedFromGmail + 1, 'the send from Gmail to be counted');
    // Counted by the id in the notice's "View message" link: the same id reported again is already there.
    const again = await apiJson<{ outcome: string }>(api, `/api/mailboxes/${before.id}/manual-sends`, { token: await token(), method: 'POST', body: { gmailMessageId: gmailSent[1]!.id } });
    expect(again).toMatchObject({ status: 200, body: { outcome: 'already_recorded' } });
    // Once: the notice going, the page going, nothing more is reported.
    await notice.waitFor({ state: 'detached' });
    await page.close();
    const popup = await extensionPage('extension/popup/index.html');
    const budget = popup.getByTestId('mailbox-budget').first();
    await budget.waitFor();
    const box = await mailbox();
    expect(box.usedFromGmail).toBe(before.usedFromGmail + 1);
    expect(box.usedByLumina).toBe(before.usedByLumina);
    expect(await budget.getByTestId('budget-words').textContent()).toBe(`${box.usedByLumina} sent by Lumina · ${before.usedFromGmail + 1} from Gmail · ${box.remaining} left of ${box.effectiveCap}`);
    await popup.close();
  });

  it('signs out from the options page', async () => {
    const options = await extensionPage('extension/options/index.html');
    await options.getByRole('button', { name: 'Sign out' }).click();
    await options.getByTestId('signed-out').waitFor();
    expect(await storage('session')).toBeUndefined();
    await options.close();
  });
});
