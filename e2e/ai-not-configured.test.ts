import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startEmbeddedApi, type RunningApi } from './helpers/api-server';
import { launchWithExtension, type LoadedExtension } from './helpers/browser';
import { FIXTURE_THREAD_ID } from './helpers/gmail-fixture';

/**
 * A Lumina server with no AI provider (no AI_BASE_URL — the embedded default): the Glow
 * panel must say so plainly and keep the live heuristic score working.
 */
const GMAIL = `https://mail.google.com/mail/u/0/#inbox/${FIXTURE_THREAD_ID}`;

let api: RunningApi;
let ext: LoadedExtension;
let gmail: Page;

beforeAll(async () => {
  [api, ext] = await Promise.all([startEmbeddedApi(), launchWithExtension()]);
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/extension/options/index.html`);
  await options.getByTestId('api-url').fill(api.url);
  await options.getByRole('button', { name: 'Save' }).click();
  await options.getByTestId('note').filter({ hasText: 'API URL saved.' }).waitFor();
  await options.getByTestId('email').fill('rep@lumina.test');
  await options.getByRole('button', { name: 'Sign in (sandbox)' }).click();
  await options.getByTestId('signed-in').waitFor();
  await options.close();
  gmail = await ext.context.newPage();
  await gmail.goto(GMAIL);
  await panel().waitFor({ timeout: 20_000 });
});

afterAll(async () => {
  await ext?.close();
  await api?.close();
});

const panel = () => gmail.locator('lumina-root[data-lumina="glow"] [data-testid="glow-panel"]');

describe('Glow panel against a server without AI', () => {
  it('knows on mount: the AI buttons are off with one line saying what to set, and nothing is asked', async () => {
    const off = panel().getByTestId('ai-off');
    await off.waitFor();
    expect(await off.textContent()).toContain('AI_BASE_URL');
    for (const name of ['Personalize', 'Rewrite', 'Subject lines', 'Generate']) expect(await panel().getByRole('button', { name }).isDisabled()).toBe(true);
    expect(await panel().getByTestId('goal').isDisabled()).toBe(true);
    expect(await panel().getAttribute('data-glow')).toBe('idle');
    for (const width of [1440, 375]) {
      await gmail.setViewportSize({ width, height: 900 });
      await gmail.screenshot({ path: `docs/extension-compose-ai-off-${width}.png` });
    }
    await gmail.setViewportSize({ width: 1280, height: 800 });
  });

  it('keeps the live score: it is shown and changes as the rep types', async () => {
    const score = panel().getByTestId('score');
    const before = Number(await score.getAttribute('data-score'));
    expect(before).toBeGreaterThanOrEqual(0);
    expect(before).toBeLessThanOrEqual(100);
    const body = gmail.locator('[role="dialog"] [g_editable="true"]');
    await body.click();
    await gmail.keyboard.press('End');
    await gmail.keyboard.insertText(' FREE!!! Click here for a limited time offer!!! Act now!!!');
    const deadline = Date.now() + 10_000;
    while (Number(await score.getAttribute('data-score')) === before && Date.now() < deadline) await gmail.waitForTimeout(100);
    expect(Number(await score.getAttribute('data-score'))).toBeLessThan(before);
    // The note about AI is still there beside the working score.
    expect(await panel().getByTestId('ai-off').textContent()).toContain('The score still works.');
  });
});
