/**
 * The extension in Chromium, on the fixture Gmail with the real InboxSDK (the e2e
 * helpers' browser, routes and fixture):
 * - compose open → Glow mounted, for new compose windows on a loaded Gmail, beside the
 *   moment InboxSDK itself recognises the compose (its own baseline), plus the first
 *   compose of a fresh page load (DOM host at once, then InboxSDK's hand-over) beside
 *   DOMContentLoaded and InboxSDK's own load;
 * - the content script's work per keystroke on a 2,000-word draft, beside an input
 *   event nobody listens to and the same scorer in Node, in the same run;
 * - bundle sizes of content script, service worker and popup from `dist/`.
 * Builds `dist/` first. Run: npx tsx bench/extension.ts
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { scoreEmail } from '../shared/score/score-email';
import { launchWithExtension, DIST } from '../e2e/helpers/browser';
import { FIXTURE_THREAD_ID, gmailFixture } from '../e2e/helpers/gmail-fixture';
import { percentile, writeSection } from './results';

const NEW_COMPOSES = 15;
const PAGE_LOADS = 5;
const KEYSTROKES = 300;
const WARMUP_KEYSTROKES = 30;

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
const ext = await launchWithExtension();
const page = await ext.context.newPage();
// tsx names functions with a `__name` helper that the page does not have.
await page.addInitScript('window.__name = (f) => f');

const firstCompose: number[] = [];
const domReady: number[] = [];
const sdkReady: number[] = [];
const handedOver: number[] = [];
for (let i = 0; i < PAGE_LOADS; i++) {
  const t0 = Date.now();
  await page.goto(`https://mail.google.com/mail/u/0/?load=${i}&compose=first${i}#inbox/${FIXTURE_THREAD_ID}`, { waitUntil: 'domcontentloaded' });
  domReady.push(Date.now() - t0);
  await page.locator('lumina-root[data-lumina="glow"] [data-testid="glow-panel"]').waitFor({ timeout: 60_000 });
  firstCompose.push(Date.now() - t0);
  // Where the panel used to appear at the earliest: InboxSDK loaded (then its poll finds the compose).
  await page.waitForFunction(() => document.documentElement.dataset.lumina === 'inboxsdk', null, { timeout: 60_000, polling: 20 });
  sdkReady.push(Date.now() - t0);
  await page.locator('lumina-root[data-host="inboxsdk"] [data-testid="glow-panel"]').waitFor({ timeout: 60_000 });
  handedOver.push(Date.now() - t0);
}

const opened = { sdk: [] as number[], glow: [] as number[] };
for (let i = 0; i < NEW_COMPOSES; i++) {
  const t = await openCompose(page, composeMarkup(`bench${i}`));
  opened.sdk.push(t.sdk);
  opened.glow.push(t.glow);
}

const words = Array.from({ length: 2_000 }, (_, i) => ['Acme', 'teams', 'ramp', 'faster', 'with', 'Lumina', 'because', 'reps', 'write', 'better'][i % 10]);
const draft = words.map((w, i) => (i % 12 === 11 ? `${w}.` : w)).join(' ');
const keystroke = await typeIntoCompose(page, draft);
await ext.close();

const node = timeScorerInNode(draft);
const bundles = bundleSizes();

const ms = (v: number) => v.toFixed(2);
const row = (label: string, v: number[]) => `| ${label} | ${ms(percentile(v, 50))} | ${ms(percentile(v, 95))} | ${ms(percentile(v, 99))} |`;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const p95 = percentile(keystroke.lumina, 95);
writeSection(
  'extension',
  `Debian Chromium (\`--headless=new\`), the built extension loaded unpacked, on the fixture Gmail page with the real InboxSDK; no API needed (drafts stay local). The machine is shared: load average ${loadAverage()} at the end.

**Compose open → Glow mounted** — ${NEW_COMPOSES} new compose windows opened on a loaded Gmail (dialog added to the page → InboxSDK recognises it → Lumina's panel is rendered in its shadow root)

| what | p50 ms | p95 ms | p99 ms |
|---|---|---|---|
${row('baseline: InboxSDK recognises the compose', opened.sdk)}
${row('Lumina: Glow panel mounted (local draft looked up, scored, rendered)', opened.glow)}

First compose of a fresh page load (${PAGE_LOADS} loads, from \`goto\`): the DOM host mounts the Glow at once; InboxSDK takes the compose over once its own load and its 2 s poll have found it (before issue 16 the panel waited for that: 2.9 s). Goal: under 1 s.

| what | p50 ms | p95 ms | p99 ms |
|---|---|---|---|
${row('baseline: DOMContentLoaded of the page', domReady)}
${row('baseline: InboxSDK loaded (the earliest the panel could appear before)', sdkReady)}
${row('Lumina: first Glow panel mounted (DOM host)', firstCompose)}
${row('Lumina: InboxSDK panel has taken over the same draft', handedOver)}

Goal under 1 s at p95 — ${percentile(firstCompose, 95) < 1000 ? 'met' : 'NOT met'} (${ms(percentile(firstCompose, 95))} ms).

**Per keystroke on a 2,000-word draft** — ${keystroke.lumina.length} keystrokes after ${WARMUP_KEYSTROKES} warm-up; the synchronous work of one input event in the compose (read the body through InboxSDK, score with \`shared/score\`, update the store; React renders after)

| what | p50 ms | p95 ms | p99 ms |
|---|---|---|---|
${row('baseline: an input event nobody listens to (page)', keystroke.bare)}
${row('baseline: `scoreEmail` alone on the same draft (Node, this run)', node)}
${row('Lumina content script: one input event in the compose', keystroke.lumina)}

Target: within one frame (16 ms) at p95 — ${p95 < 16 ? 'met' : 'NOT met'} (${ms(p95)} ms).

**Bundle sizes** (entry plus every chunk it loads; the content script includes InboxSDK)

| bundle | raw | gzip |
|---|---|---|
${Object.entries(bundles).map(([k, v]) => `| ${k} | ${kb(v.raw)} | ${kb(v.gzip)} |`).join('\n')}
`,
);
console.log(`bench/extension: compose→Glow p50 ${ms(percentile(opened.glow, 50))} ms, keystroke p95 ${ms(p95)} ms; written to bench/RESULTS.md`);

/** The fixture's compose window, under its own compose id, as Gmail adds one under `.no`. */
function composeMarkup(composeId: string): string {
  const html = gmailFixture({ inboxSdk: true, composeId });
  const m = html.match(/<div class="no">\s*([\s\S]*?)\s*<\/div><\/div><\/div><\/div>\s*<!--\/COMPOSE-->/);
  if (!m) throw new Error('compose markup not found in the fixture');
  return m[1]!;
}

/** Adds a compose window and times InboxSDK's recognition and Lumina's panel; then closes it again. */
async function openCompose(p: Page, markup: string): Promise<{ sdk: number; glow: number }> {
  const timing = await p.evaluate(async (html) => {
    const before = new Set(document.querySelectorAll('lumina-root[data-lumina="glow"]'));
    const holder = document.createElement('div');
    holder.innerHTML = html;
    const wrapper = holder.firstElementChild as HTMLElement;
    const dialog = wrapper.querySelector('[role="dialog"]')!;
    const result: { sdk?: number; glow?: number } = {};
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const done = () => {
        if (result.sdk === undefined && dialog.closest('.inboxsdk__compose')) result.sdk = performance.now() - t0;
        if (result.glow === undefined) {
          for (const host of document.querySelectorAll('lumina-root[data-lumina="glow"]')) {
            if (before.has(host)) continue;
            observer.observe(host.shadowRoot!, { childList: true, subtree: true });
            if (host.shadowRoot!.querySelector('[data-testid="glow-panel"]')) result.glow = performance.now() - t0;
          }
        }
        if (result.sdk !== undefined && result.glow !== undefined) {
          observer.disconnect();
          resolve();
        }
      };
      const observer = new MutationObserver(done);
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
      document.querySelector('.no')!.append(wrapper);
    });
    wrapper.remove();
    return result as { sdk: number; glow: number };
  }, markup);
  // Let InboxSDK tear the closed compose down before the next one.
  await p.waitForFunction((n) => document.querySelectorAll('lumina-root[data-lumina="glow"]').length <= n, 1, { timeout: 10_000 });
  return timing;
}

/** Fills the first compose with the draft, then times keystrokes in it and on a detached element. */
async function typeIntoCompose(p: Page, text: string) {
  return p.evaluate(
    async ({ text, runs, warmup }) => {
      const body = document.querySelector<HTMLElement>('[role="dialog"] [g_editable="true"]')!;
      body.textContent = text;
      body.dispatchEvent(new InputEvent('input', { bubbles: true }));
      const detached = document.createElement('div');
      const time = (el: HTMLElement) => {
        el.append('x');
        const t0 = performance.now();
        el.dispatchEvent(new InputEvent('input', { bubbles: true }));
        return performance.now() - t0;
      };
      const lumina: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < runs + warmup; i++) {
        lumina.push(time(body));
        bare.push(time(detached));
        // A frame between keystrokes, as when a person types: React renders, saves run.
        await new Promise((r) => requestAnimationFrame(r));
      }
      return { lumina: lumina.slice(warmup), bare: bare.slice(warmup) };
    },
    { text, runs: KEYSTROKES, warmup: WARMUP_KEYSTROKES },
  );
}

function timeScorerInNode(body: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < KEYSTROKES + WARMUP_KEYSTROKES; i++) {
    const t0 = performance.now();
    scoreEmail({ subject: 'Onboarding at Acme', body: `${body}${'x'.repeat(i)}` });
    times.push(performance.now() - t0);
  }
  return times.slice(WARMUP_KEYSTROKES);
}

/** Each entry with every file it loads statically or through the content-script loader's `getURL`. */
function bundleSizes() {
  const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8'));
  const popupHtml = readFileSync(join(DIST, manifest.action.default_popup), 'utf8');
  const popupFiles = [...popupHtml.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  return {
    'content script (loader + app + InboxSDK)': reachable(manifest.content_scripts[0].js),
    'service worker': reachable([manifest.background.service_worker]),
    popup: reachable(popupFiles),
    'InboxSDK pageWorld.js (injected into Gmail by the SDK)': reachable(['pageWorld.js']),
  };
}

function reachable(entries: string[]) {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith('.js')) return;
    const src = readFileSync(join(DIST, file), 'utf8');
    for (const m of src.matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) visit(posix.join(posix.dirname(file), m[1]!));
    for (const m of src.matchAll(/getURL\(\s*["']([^"']+\.js)["']\s*\)/g)) visit(m[1]!.replace(/^\//, ''));
  };
  entries.map((e) => e.replace(/^\//, '')).forEach(visit);
  let raw = 0;
  let gzip = 0;
  for (const f of seen) {
    raw += statSync(join(DIST, f)).size;
    gzip += gzipSync(readFileSync(join(DIST, f))).length;
  }
  return { raw, gzip };
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}
