import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../../../test/harness';
import { fastSend, until } from '../../../test/send-kit';
import { startGmailEmulator, type GmailEmulator } from '../../../emulator/server';
import { emails, mailboxes } from '../../../../db/schema';
import { campaignSchema, campaignStatsSchema, type Campaign } from '../../../../shared/contracts/campaigns';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { registerSendWorker } from '../emails/send.worker';
import { syncMailbox } from '../replies/inbox-sync.worker';
import { closeEventRecorder } from '../tracking/recorder';
import { advanceDueLeads } from './sequence.worker';

/**
 * "Send the winner to the rest after N sends per variant", end to end: the real scheduler on a
 * driven clock, the real send worker into the Gmail emulator, replies injected through the
 * sandbox and read by the real inbox sync. What a recipient notices is the subject they get.
 */
let emu: GmailEmulator;
let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let box: typeof mailboxes.$inferSelect;
const HOUR = 3_600_000;
const SHORT = 'Quick question';
const LONG = 'A case study from a team like yours';

beforeAll(async () => {
  emu = await startGmailEmulator();
  rt = await createTestRuntime({ env: { GOOGLE_API_ROOT: emu.url } });
  registerSendWorker(rt.deps, fastSend);
  rep = await signIn(rt.app, 'rep@winner-co.test', 'Rep');
  [box] = await rt.deps.db.select().from(mailboxes).where(eq(mailboxes.workspaceId, rep.workspace.id));
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
  await emu?.close();
});

/** One scheduler tick at `at`, then the send worker delivers everything it queued. */
async function tick(at: Date) {
  await advanceDueLeads(rt.deps, { batch: 500 }, at);
  await until(async () => {
    const open = await rt.deps.db.select({ id: emails.id }).from(emails).where(and(eq(emails.workspaceId, rep.workspace.id), inArray(emails.status, ['PENDING_SEND', 'SENDING'])));
    return open.length === 0;
  }, 30_000);
}

async function addLeads(campaign: Campaign, prefix: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email: `${prefix}-${i}@win.test` } })).json()).id);
  }
  expect((await rep.call(`/api/campaigns/${campaign.id}/leads`, { method: 'POST', json: { prospectIds: ids } })).status).toBeLessThan(300);
}

/** The subjects the emulator delivered to a wave's recipients. */
const subjectsOf = (prefix: string) => emu.control.sent().filter((m) => m.to.includes(`${prefix}-`)).map((m) => m.subject);

const stepStats = async (id: string) => campaignStatsSchema.parse(await (await rep.call(`/api/campaigns/${id}/stats`)).json()).steps[0]!;

describe('A/B: the winner goes to the rest', () => {
  it('switches every further lead to the winning version once each has N sends and the winner is significant, not before', async () => {
    const res = await rep.call('/api/campaigns', {
      method: 'POST',
      json: { name: 'Winner', steps: [{ bodyHtml: '<p>Hi</p>', variants: [{ subject: SHORT, weight: 50 }, { subject: LONG, weight: 50 }], winnerAfter: 30 }] },
    });
    expect(res.status).toBe(201);
    const campaign = campaignSchema.parse(await res.json());
    await addLeads(campaign, 'first', 100);
    expect((await rep.call(`/api/campaigns/${campaign.id}/launch`, { method: 'POST' })).status).toBe(200);
    const t0 = new Date(Date.now() + 60_000);
    await tick(t0);

    const first = subjectsOf('first');
    expect(first).toHaveLength(100);
    expect(first.filter((s) => s === SHORT).length).toBeGreaterThanOrEqual(30);
    expect(first.filter((s) => s === LONG).length).toBeGreaterThanOrEqual(30);
    expect(await stepStats(campaign.id)).toMatchObject({ winnerAfter: 30, winnerToRest: null });

    // Every version has its 30, but nobody has answered: no winner, the next leads still get the split.
    await addLeads(campaign, 'early', 20);
    await tick(new Date(t0.getTime() + HOUR));
    expect(new Set(subjectsOf('early'))).toEqual(new Set([SHORT, LONG]));

    // 15 of B's first sends get a real reply (through the sandbox and the inbox sync), 1 of A's.
    const sentB = await rt.deps.db.select().from(emails).where(and(eq(emails.campaignId, campaign.id), eq(emails.variantId, 'B'))).orderBy(asc(emails.sentAt), asc(emails.id));
    const sentA = await rt.deps.db.select().from(emails).where(and(eq(emails.campaignId, campaign.id), eq(emails.variantId, 'A'))).orderBy(asc(emails.sentAt), asc(emails.id));
    for (const e of [...sentB.slice(0, 15), sentA[0]!]) {
      expect((await rep.call(`/api/sandbox/messages/${e.providerMessageId}/reply`, { method: 'POST', json: { text: 'Yes, tell me more.' } })).status).toBe(201);
    }
    await syncMailbox(rt.deps, box.id);
    const decided = await stepStats(campaign.id);
    expect(decided).toMatchObject({ winnerToRest: 'B', winnerTest: { winner: 'B', metric: 'reply', compared: [{ id: 'B', sent: 30, hits: 15 }, { id: 'A', sent: 30, hits: 1 }] } });
    expect(decided.winnerTest!.pValue).toBeLessThan(0.05);

    // From now on every new lead gets version B.
    await addLeads(campaign, 'late', 30);
    await tick(new Date(t0.getTime() + 2 * HOUR));
    const late = subjectsOf('late');
    expect(late).toHaveLength(30);
    expect(new Set(late)).toEqual(new Set([LONG]));
  });
});
