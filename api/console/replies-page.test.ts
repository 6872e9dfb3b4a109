import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { campaignLeads, campaigns, prospects } from '../../db/schema';
import { seedSentEmail } from '../test/tracking-fixtures';
import { consoleClient } from '../test/console-client';
import { ingestInbound } from '../src/modules/replies/ingest';
import { closeEventRecorder } from '../src/modules/tracking/recorder';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(async () => {
  await closeEventRecorder(rt.deps);
  await rt?.close();
});

describe('console Replies page', () => {
  it('shows each reply with its meaning in words, the lead state, the return date and a Gmail link, and filters', async () => {
    const admin = await signIn(rt.app, 'ada@console-replies.test');
    const ws = admin.workspace.id;
    const db = rt.deps.db;
    const [campaign] = await db.insert(campaigns).values({ workspaceId: ws, name: 'Spring push', status: 'active' }).returning();
    const [p] = await db.insert(prospects).values({ workspaceId: ws, email: 'kai@northwind.test' }).returning();
    const [lead] = await db.insert(campaignLeads).values({ workspaceId: ws, campaignId: campaign!.id, prospectId: p!.id, status: 'active', nextDueAt: new Date(Date.now() + 86_400_000) }).returning();
    const sent = await seedSentEmail(db, ws, { userId: admin.user.id, to: 'kai@northwind.test', subject: 'Spring pricing', prospectId: p!.id, campaignId: campaign!.id, campaignLeadId: lead!.id, threadId: '18c2f0a1b2c3d4e5' });
    const other = await seedSentEmail(db, ws, { userId: admin.user.id, to: 'sam@other.test', subject: 'Hello' });
    const ooo = ['From: kai@northwind.test', 'Subject: Out of office', 'Auto-Submitted: auto-replied', 'Message-ID: <ooo@northwind.test>', `In-Reply-To: ${sent.messageId}`, '', 'I am out of the office until 2030-03-04.'].join('\r\n');
    await ingestInbound(rt.deps, ws, { raw: ooo, threadId: sent.threadId, messageId: '<ooo@northwind.test>', from: 'kai@northwind.test', date: new Date(Date.now() - 60_000), snippet: 'I am out of the office until 2030-03-04.' });
    const human = ['From: sam@other.test', 'Subject: Re: Hello', 'Message-ID: <h@other.test>', `In-Reply-To: ${other.messageId}`, '', 'Happy to chat next week.'].join('\r\n');
    await ingestInbound(rt.deps, ws, { raw: human, threadId: other.threadId, messageId: '<h@other.test>', from: 'sam@other.test', date: new Date(), snippet: 'Happy to chat next week.' });

    const browser = await consoleClient(rt, 'ada@console-replies.test');
    const page = await (await browser.get('/console/replies')).text();
    expect(page).toContain('2 messages');
    expect(page).toContain('Out of office');
    expect(page).toContain('Back ');
    expect(page).toContain('Spring push');
    expect(page).toContain('Paused'); // the out-of-office paused the lead, in words
    expect(page).toContain('https://mail.google.com/mail/u/0/#all/18c2f0a1b2c3d4e5');
    expect(page).not.toMatch(/out_of_office<|>paused</);

    const filtered = await (await browser.get('/console/replies?meaning=out_of_office')).text();
    expect(filtered).toContain('1 message');
    expect(filtered).not.toContain('Happy to chat');
    const byCampaign = await (await browser.get(`/console/replies?campaignId=${campaign!.id}`)).text();
    expect(byCampaign).toContain('kai@northwind.test');
    expect(byCampaign).not.toContain('sam@other.test');
    // A filter value a person mistyped shows everything instead of an error page.
    const typo = await browser.get('/console/replies?meaning=nope');
    expect(typo.status).toBe(200);
    expect(await typo.text()).toContain('2 messages');
  });
});
