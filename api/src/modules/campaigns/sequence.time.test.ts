import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { signIn } from '../../../test/harness';
import { connectMailbox, fastSend, openSendRuntime, settle, until, type SendRuntime } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { emails, sendJobs } from '../../../../db/schema';
import { campaignSchema } from '../../../../shared/contracts/campaigns';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { nextWindowOpening } from '../emails/schedule';
import { windowFor } from '../emails/send.worker';
import { advanceDueLeads } from './sequence.worker';
import { calendarOf, dueAfter } from './timing';

describe('recipient time zones, DST-correct (luxon)', () => {
  const window = { tz: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };

  it('opens the window at 09:00 in the recipient’s zone on both sides of a DST change, in two zones', () => {
    const ny = windowFor(window, 'America/New_York'); // EDT → EST on Sun 1 Nov 2026
    expect(nextWindowOpening(ny, new Date('2026-10-30T12:00:00Z')).toISOString()).toBe('2026-10-30T13:00:00.000Z'); // Fri, UTC-4
    expect(nextWindowOpening(ny, new Date('2026-11-02T12:00:00Z')).toISOString()).toBe('2026-11-02T14:00:00.000Z'); // Mon, UTC-5
    const berlin = windowFor(window, 'Europe/Berlin'); // CEST → CET on Sun 25 Oct 2026
    expect(nextWindowOpening(berlin, new Date('2026-10-23T06:00:00Z')).toISOString()).toBe('2026-10-23T07:00:00.000Z'); // Fri, UTC+2
    expect(nextWindowOpening(berlin, new Date('2026-10-26T06:00:00Z')).toISOString()).toBe('2026-10-26T08:00:00.000Z'); // Mon, UTC+1
    // Friday 17:30 in New York (closed) → Monday 09:00 there, across the change.
    expect(nextWindowOpening(ny, new Date('2026-10-30T21:30:00Z')).toISOString()).toBe('2026-11-02T14:00:00.000Z');
    // No zone, or a bad one: the mailbox's own.
    expect(windowFor(window, null)).toBe(window);
    expect(windowFor(window, 'Mars/Olympus')).toBe(window);
  });

  it('keeps a step’s wall-clock time across DST: a day later is 09:00 again, business days skip the weekend', () => {
    const berlin = calendarOf({ prospectZone: 'Europe/Berlin' });
    expect(dueAfter(new Date('2026-10-24T07:00:00Z'), { amount: 1, unit: 'days' }, berlin).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(dueAfter(new Date('2026-10-24T07:00:00Z'), { amount: 24, unit: 'hours' }, berlin).toISOString()).toBe('2026-10-25T07:00:00.000Z');
    const ny = calendarOf({ prospectZone: 'America/New_York' });
    // Fri 30 Oct 09:00 EDT + 1 business day → Mon 2 Nov 09:00 EST.
    expect(dueAfter(new Date('2026-10-30T13:00:00Z'), { amount: 1, unit: 'business_days' }, ny).toISOString()).toBe('2026-11-02T14:00:00.000Z');
  });
});

describe('the send worker reads the window in the recipient’s zone and spaces sequence sends', () => {
  let emu: GmailEmulator;
  let rt: SendRuntime;
  let rep: Awaited<ReturnType<typeof signIn>>;
  const GAP = 400;

  beforeAll(async () => {
    emu = await startGmailEmulator();
    rt = await openSendRuntime('inline', emu, { ...fastSend, minGapMs: GAP, gapJitterMs: 50 });
    rep = await signIn(rt.app, 'tara@tz-co.test', 'Tara');
  });
  afterAll(async () => {
    await rt?.close();
    await emu?.close();
  });

  it('sends to the recipient whose local hour is inside the window, holds the one whose zone is not known, and keeps a gap between sends', async () => {
    // A one-hour window that is open right now twelve hours east of UTC, and so closed in UTC.
    const hour = (new Date().getUTCHours() + 12) % 24;
    const pad = (n: number) => String(n).padStart(2, '0');
    const sendWindow = { tz: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: `${pad(hour)}:00`, end: hour >= 22 ? '23:59' : `${pad(hour + 2)}:00` };
    const box = await connectMailbox(rt, emu, rep, 'tara.sends@tz-co.test', { sendWindow });
    const east = [];
    for (let i = 0; i < 3; i++) {
      east.push(prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email: `east${i}@tz.test`, timeZone: 'Etc/GMT-12' } })).json()));
    }
    const utc = prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email: 'utc@tz.test' } })).json());
    const c = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: { name: 'Zones', mailboxId: box.id, steps: [{ subject: 'Hi', bodyHtml: '<p>Hi</p>' }] } })).json());
    await rep.call(`/api/campaigns/${c.id}/leads`, { method: 'POST', json: { prospectIds: [...east.map((p) => p.id), utc.id] } });
    await rep.call(`/api/campaigns/${c.id}/launch`, { method: 'POST' });
    await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000));

    const rows = await rt.deps.db.select().from(emails).where(eq(emails.campaignId, c.id));
    const eastIds = rows.filter((r) => r.to.startsWith('east')).map((r) => r.id);
    const sent = await settle(rt, eastIds);
    expect(sent.every((r) => r.status === 'SENT')).toBe(true);
    const times = sent.map((r) => r.sentAt!.getTime()).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(GAP);

    const held = rows.find((r) => r.to === 'utc@tz.test')!;
    const job = await until(async () => {
      const [j] = await rt.deps.db.select().from(sendJobs).where(inArray(sendJobs.emailId, [held.id]));
      return j?.lastError?.includes('outside the send window') ? j : undefined;
    });
    expect(job.lastError).toContain(' UTC)');
    expect((await rt.deps.db.select().from(emails).where(eq(emails.id, held.id)))[0]!.status).toBe('PENDING_SEND');
  });
});
