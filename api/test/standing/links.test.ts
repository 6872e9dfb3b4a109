import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../harness';
import { emailEvents } from '../../../db/schema';
import { buildMime } from '../../src/gmail/mime';
import { clickUrl } from '../../src/modules/tracking/tokens';
import { closeEventRecorder, recorderFor } from '../../src/modules/tracking/recorder';
import { seedSentEmail } from '../tracking-fixtures';

/** Defect 2 (CR/LF in a tracked href) and the click interstitial of defect 9. */
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  rep = await signIn(rt.app, 'rep@links.test');
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

const signed: string[] = [];
const mime = (html: string) =>
  buildMime({ from: { address: 'rep@links.test' }, to: 'a@b.test', subject: 's', html, messageId: '<m@links.test>', tracking: { clickUrl: (i, url) => (signed.push(url), `https://t.test/c/${i}`) } });

describe('tracked links', () => {
  it('normalise CR, LF and tab out of an href at MIME build, and leave an unparseable one unwrapped', async () => {
    signed.length = 0;
    await mime('<a href="https://acme.test/a&#13;&#10;b">x</a> <a href="https://acme.test/\nSet-Cookie: x=1">y</a> <a href="https://[bad">z</a>');
    expect(signed).toEqual(['https://acme.test/ab', 'https://acme.test/Set-Cookie:%20x=1']);
    expect(signed.every((u) => !/[\r\n]/.test(u))).toBe(true);
  });

  it('a signed link whose URL holds CR/LF answers 404, never throws, and records no click', async () => {
    const email = await seedSentEmail(rt.deps.db, rep.workspace.id);
    for (const url of ['https://acme.test/a\r\nb', 'https://acme.test/\nLocation: https://evil.test', 'javascript:alert(1)']) {
      const res = await rt.app.request(new URL(clickUrl('http://x', rt.config.trackingSecret, email.id, 0, url)).pathname);
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    await recorderFor(rt.deps).flush(true);
    expect(await rt.deps.db.select().from(emailEvents).where(eq(emailEvents.emailId, email.id))).toHaveLength(0);
  });
});

describe('click interstitial', () => {
  it('where anyone can sign in on a reachable server, a click shows "you are leaving for <host>" instead of a 302', async () => {
    const open = await createTestRuntime({ env: { HOST: '0.0.0.0', SANDBOX_LOGIN: 'true' } });
    try {
      const who = await signIn(open.app, 'rep@open.test');
      const email = await seedSentEmail(open.deps.db, who.workspace.id);
      const res = await open.app.request(new URL(clickUrl('http://x', open.config.trackingSecret, email.id, 0, 'https://acme.test/p?q=<b>')).pathname);
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      const page = await res.text();
      expect(page).toContain('You are leaving for acme.test');
      expect(page).not.toContain('<b>');
      await closeEventRecorder(open.deps);
    } finally {
      await open.close();
    }
    expect(rt.config.clickInterstitial).toBe(false); // an embedded instance on loopback keeps the bare 302
  });
});
