import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { signIn, createEmulatedRuntime, type EmulatedRuntime } from '../harness';
import { auditEvents, campaigns, emails, mailboxes } from '../../../db/schema';
import { mailboxGmail } from '../../src/modules/mailboxes/gmail';
import { openTokens } from '../../src/gmail/oauth';

/**
 * Member lifecycle (defects 4 and 5): a member removed from A and invited into B — their
 * mailbox in A is disconnected and revoked, their open sends fail (or move), nothing of A
 * is reachable from B and the reverse, and sandbox mail stays with its mailbox.
 */
let rt: EmulatedRuntime;
beforeAll(async () => {
  rt = await createEmulatedRuntime();
});
afterAll(() => rt?.close());

type Who = Awaited<ReturnType<typeof signIn>>;
const boxOf = async (who: Who) => (await rt.deps.db.select().from(mailboxes).where(and(eq(mailboxes.workspaceId, who.workspace.id), eq(mailboxes.userId, who.user.id))))[0]!;
const later = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
const schedule = async (who: Who, extra: object = {}) => {
  const res = await who.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `life-${crypto.randomUUID()}` }, json: { to: 'lead@prospect.test', subject: 'Later', bodyHtml: '<p>x</p>', scheduledAt: later(), ...extra } });
  expect(res.status, await res.clone().text()).toBe(202);
  return ((await res.json()) as { id: string }).id;
};
async function sendFrom(who: Who, subject: string) {
  const box = await boxOf(who);
  const raw = await new MailComposer({ from: box.email, to: 'pat@prospect.test', subject, html: `<p>${subject}</p>` }).compile().build();
  return (await (await mailboxGmail(rt.deps, box)).users.messages.send({ userId: 'me', requestBody: { raw: raw.toString('base64url') } })).data;
}
const listed = async (who: Who) => ((await (await who.call('/api/sandbox/messages')).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);

describe('removing a member', () => {
  it('disconnects and revokes their mailbox, fails their sends, pauses their campaigns, audits it; an admin cannot send as them', async () => {
    const ana = await signIn(rt.app, 'ana@life-a.test', 'Ana');
    const mo = await signIn(rt.app, 'mo@life-a.test', 'Mo');
    expect(mo.workspace.id).toBe(ana.workspace.id);
    const moBox = await boxOf(mo);
    const grant = openTokens(rt.config, moBox);
    const scheduled = await schedule(mo);
    const camp = (await (await mo.call('/api/campaigns', { method: 'POST', json: { name: 'Mo Q4', mailboxId: moBox.id, steps: [{ subject: 'Hi', bodyHtml: '<p>x</p>' }] } })).json()) as { id: string };
    expect((await mo.call(`/api/campaigns/${camp.id}/launch`, { method: 'POST' })).status).toBe(200);
    const moMail = await sendFrom(mo, 'from mo in A');

    expect((await ana.call(`/api/admin/members/${mo.user.id}`, { method: 'DELETE' })).status).toBe(204);

    const after = await boxOf(mo);
    expect(after).toMatchObject({ status: 'disabled', accessTokenEnc: null, refreshTokenEnc: null });
    const refresh = await fetch(`${rt.emu.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: grant.refresh_token!, client_id: 'lumina-sandbox', client_secret: 'lumina-sandbox' }) });
    expect(refresh.status).toBe(400); // revoked at "Google"
    const [email] = await rt.deps.db.select().from(emails).where(eq(emails.id, scheduled));
    expect(email).toMatchObject({ status: 'FAILED', failureReason: expect.stringContaining('removed') });
    const [c] = await rt.deps.db.select().from(campaigns).where(eq(campaigns.id, camp.id));
    expect(c!.status).toBe('paused');
    const audit = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, ana.workspace.id));
    expect(audit.find((a) => a.action === 'member.removed')?.data).toMatchObject({ failedSends: 1, pausedCampaigns: 1, mailboxes: ['mo@life-a.test'] });
    expect(audit.find((a) => a.action === 'mailbox.revoked')?.data).toMatchObject({ revoked: 1 });

    const asMo = await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `life-${crypto.randomUUID()}` }, json: { to: 'x@prospect.test', subject: 's', bodyHtml: '<p>x</p>', mailboxId: moBox.id } });
    expect(asMo.status).toBeGreaterThanOrEqual(400);
    expect(asMo.status).toBeLessThan(500);
    expect((await mo.call('/api/me')).status).toBe(401);

    // Invited into B: a new mailbox for the same address, and the two workspaces stay apart.
    const bea = await signIn(rt.app, 'bea@life-b.test', 'Bea');
    expect((await bea.call('/api/admin/invites', { method: 'POST', json: { email: 'mo@life-a.test', role: 'member' } })).status).toBe(201);
    const moB = await signIn(rt.app, 'mo@life-a.test');
    expect(moB.workspace.id).toBe(bea.workspace.id);
    const inB = await sendFrom(moB, 'from mo in B');
    expect(await listed(moB)).toEqual([inB.id]);
    expect(await listed(ana)).toContain(moMail.id);
    expect(await listed(ana)).not.toContain(inB.id);
    expect(await listed(bea)).not.toContain(moMail.id);
    expect((await moB.call(`/api/sandbox/messages/${moMail.id}/reply`, { method: 'POST', json: { text: 'x' } })).status).toBe(404);
    expect((await moB.call(`/api/emails/${scheduled}`)).status).toBe(404);
    expect((await moB.call(`/api/campaigns/${camp.id}`)).status).toBe(404);
    expect((await ana.call(`/api/sandbox/messages/${inB.id}/reply`, { method: 'POST', json: { text: 'x' } })).status).toBe(404);
  });

  it("moves the member's open sends and campaigns to a mailbox the admin picks", async () => {
    const ana = await signIn(rt.app, 'ana@life-a.test');
    const jo = await signIn(rt.app, 'jo@life-a.test', 'Jo');
    const anaBox = await boxOf(ana);
    const scheduled = await schedule(jo);
    const bad = await ana.call(`/api/admin/members/${jo.user.id}?moveSendsTo=${(await boxOf(jo)).id}`, { method: 'DELETE' });
    expect(bad.status).toBe(404); // not onto the leaver's own mailbox
    expect((await ana.call(`/api/admin/members/${jo.user.id}?moveSendsTo=${anaBox.id}`, { method: 'DELETE' })).status).toBe(204);
    const [email] = await rt.deps.db.select().from(emails).where(eq(emails.id, scheduled));
    expect(email).toMatchObject({ status: 'PENDING_SEND', mailboxId: anaBox.id, fromAddress: anaBox.email });
  });
});

describe('sandbox mail', () => {
  it('a member lists only their own mailbox’s messages; an admin the workspace’s', async () => {
    const ana = await signIn(rt.app, 'ana@life-c.test');
    const kim = await signIn(rt.app, 'kim@life-c.test');
    const fromAna = await sendFrom(ana, 'ana');
    const fromKim = await sendFrom(kim, 'kim');
    expect(await listed(kim)).toEqual([fromKim.id]);
    expect((await listed(ana)).sort()).toEqual([fromAna.id, fromKim.id].sort());
    expect((await kim.call(`/api/sandbox/messages/${fromAna.id}/reply`, { method: 'POST', json: { text: 'x' } })).status).toBe(404);
  });
});
