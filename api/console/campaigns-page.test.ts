import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { auditEvents, campaignLeads, emailEvents, memberships, suppressions } from '../../db/schema';
import { seedSentEmail } from '../test/tracking-fixtures';
import { ORIGIN, consoleClient } from '../test/console-client';
import type { Campaign } from '../../shared/contracts/campaigns';
import { leadReasonWords } from './words';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

type Client = Awaited<ReturnType<typeof consoleClient>>;

/** A form with repeated fields (ticked checkboxes), posted as the browser does. */
async function postMany(client: Client, path: string, pairs: Array<[string, string]>) {
  const body = new URLSearchParams([...pairs, ['_csrf', client.csrf()]]);
  return rt.app.request(path, { method: 'POST', headers: { cookie: client.cookie(), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
}

/** The result a redirect carries to the next page (the flash cookie), read straight off the response. */
const flashOf = (res: Response) => {
  const raw = /lumina_flash=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  return raw ? (JSON.parse(decodeURIComponent(decodeURIComponent(raw))) as { t: string }).t : '';
};

const idFrom = (location: string | null) => /\/console\/campaigns\/([0-9a-f-]{36})/.exec(location ?? '')![1]!;

/** The three-step sequence of the story: a first touch, a follow-up A/B test for those who did not open, a breakup email. */
function sequenceForm(templateId: string, weights: [string, string]) {
  return {
    name: 'Spring outreach',
    mailboxId: '',
    'steps.0.delay': '0',
    'steps.0.delayUnit': 'minutes',
    'steps.0.condition': 'always',
    'steps.0.sameThread': 'on',
    'steps.0.subject': 'Hello {{firstName}}',
    'steps.0.bodyHtml': '<p>Hi {{firstName|there}}, how is {{company}}? {{title}}</p>',
    'steps.0.templateId': '',
    'steps.1.delay': '2',
    'steps.1.delayUnit': 'business_days',
    'steps.1.condition': 'not_opened',
    'steps.1.sameThread': 'on',
    'steps.1.subject': '',
    'steps.1.bodyHtml': '',
    'steps.1.templateId': '',
    'steps.1.variants.0.id': 'A',
    'steps.1.variants.0.weight': weights[0],
    'steps.1.variants.0.subject': 'Short one',
    'steps.1.variants.0.bodyHtml': '<p>Did you see my note, {{firstName}}?</p>',
    'steps.1.variants.1.id': 'B',
    'steps.1.variants.1.weight': weights[1],
    'steps.1.variants.1.subject': 'Longer one',
    'steps.1.variants.1.bodyHtml': '<p>Following up with a case study.</p>',
    'steps.2.delay': '3',
    'steps.2.delayUnit': 'days',
    'steps.2.condition': 'no_reply',
    'steps.2.subject': '',
    'steps.2.bodyHtml': '',
    'steps.2.templateId': templateId,
    op: 'save',
  } as Record<string, string>;
}

describe('console campaigns: building a sequence', () => {
  it('builds a 3-step sequence with a condition and an A/B step, keeping what was typed when a field is wrong', async () => {
    const api = await signIn(rt.app, 'ana@ccamp-build.test');
    const admin = await consoleClient(rt, 'ana@ccamp-build.test');
    const template = (await (await api.call('/api/templates', { method: 'POST', json: { name: 'Breakup', subject: 'Closing the loop', bodyHtml: '<p>Last note, {{firstName}}.</p>' } })).json()) as { id: string };
    await api.call('/api/prospects', { method: 'POST', json: { email: 'lea@client.test', firstName: 'Léa', company: 'Client SA' } });

    // The editing buttons work without script: add a step, start an A/B test.
    const added = await (await admin.post('/console/campaigns/new', { name: 'Draft', 'steps.0.delay': '0', 'steps.0.subject': 'Hi', 'steps.0.bodyHtml': 'x', op: 'add-step' })).text();
    expect(added).toContain('name="steps.1.delay"');
    expect(added).toContain('value="Draft"');
    const ab = await (await admin.post('/console/campaigns/new', { name: 'Draft', 'steps.0.delay': '0', 'steps.0.subject': 'Hi', 'steps.0.bodyHtml': 'x', op: 'add-variant:0' })).text();
    expect(ab).toContain('name="steps.0.variants.1.weight" type="text" value="50"');
    expect(ab).toContain('Version B');

    // Weights that do not add up: 400, the field named, what was typed kept.
    const wrong = await admin.post('/console/campaigns/new', sequenceForm(template.id, ['60', '30']));
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain('The shares of the versions must sum to 100 (they sum to 90).');
    expect(wrongHtml).toContain('value="Longer one"');
    expect(wrongHtml).toContain('Not saved: check the highlighted fields.');

    const saved = await admin.post('/console/campaigns/new', sequenceForm(template.id, ['60', '40']));
    expect(saved.status).toBe(303);
    const id = idFrom(saved.headers.get('location'));
    // Stored through the campaigns service, exactly as the API reads it back.
    const campaign = (await (await api.call(`/api/campaigns/${id}`)).json()) as Campaign;
    expect(campaign.steps.map((s) => [s.delay, s.delayUnit, s.condition, s.sameThread, s.templateId])).toEqual([
      [0, 'minutes', 'always', true, null],
      [2, 'business_days', 'not_opened', true, null],
      [3, 'days', 'no_reply', false, template.id],
    ]);
    expect(campaign.steps[1]!.variants.map((v) => [v.id, v.weight, v.subject])).toEqual([
      ['A', 60, 'Short one'],
      ['B', 40, 'Longer one'],
    ]);
    const detail = await (await admin.get(`/console/campaigns/${id}`)).text();
    expect(detail).toContain('Only if they have not opened any');
    expect(detail).toContain('2 business days after the previous step');
    expect(detail).toContain('A/B test of 2');
    expect(detail).toContain('new thread');

    // The preview: the step as Léa reads it, her missing job title marked; each version apart; the template filling step 3.
    const preview = await (await admin.get(`/console/campaigns/${id}/edit?step=0`)).text();
    expect(preview).toContain('Preview of step 1 for lea@client.test');
    expect(preview).toContain('Hello Léa');
    expect(preview).toContain('Hi Léa, how is Client SA?');
    expect(preview).toContain('<mark class="missing" data-missing="{{title}}">{{title}}</mark>');
    expect(preview).toContain('Missing for this prospect: {{title}}');
    const abPreview = await (await admin.post(`/console/campaigns/${id}/edit`, { ...sequenceForm(template.id, ['60', '40']), op: 'preview:1' })).text();
    expect(abPreview).toContain('Version A · 60% of leads');
    expect(abPreview).toContain('Did you see my note, Léa?');
    expect(abPreview).toContain('Version B · 40% of leads');
    expect(abPreview).toContain('reply in the previous email’s thread');
    const fromTemplate = await (await admin.get(`/console/campaigns/${id}/edit?step=2`)).text();
    expect(fromTemplate).toContain('Last note, Léa.');

    // Editing keeps unchanged steps (their ids, their figures) and versions only the changed one.
    const editForm = { ...sequenceForm(template.id, ['60', '40']), 'steps.0.id': campaign.steps[0]!.id, 'steps.1.id': campaign.steps[1]!.id, 'steps.2.id': campaign.steps[2]!.id, 'steps.2.delay': '5' };
    const edited = await admin.submit(`/console/campaigns/${id}/edit`, editForm);
    expect(edited).toContain('Saved the sequence of “Spring outreach” (3 step(s)).');
    const after = (await (await api.call(`/api/campaigns/${id}`)).json()) as Campaign;
    expect(after.steps[2]!.delay).toBe(5);

    const audit = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.workspaceId, api.workspace.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['campaign.created', 'campaign.updated']));
  });
});

describe('console campaigns: sending the winner to the rest', () => {
  it('sets it per A/B step (off, or after N sends per version) and says on the figures what it does, with the counts', async () => {
    const api = await signIn(rt.app, 'ana@ccamp-winner.test');
    const admin = await consoleClient(rt, 'ana@ccamp-winner.test');
    const db = rt.deps.db;
    const form = { ...sequenceForm('', ['50', '50']), 'steps.2.subject': 'Bye', 'steps.2.bodyHtml': '<p>Bye</p>' };

    // The editor offers it on an A/B step only, off by default.
    const ab = await (await admin.post('/console/campaigns/new', { name: 'Draft', 'steps.0.delay': '0', 'steps.0.subject': 'Hi', 'steps.0.bodyHtml': 'x', op: 'add-variant:0' })).text();
    expect(ab).toMatch(/<input type="checkbox" name="steps\.0\.winnerOn"\/?>/);
    expect(ab).toContain('name="steps.0.winnerAfter" value="30"');
    expect(ab).not.toContain('name="steps.1.winnerOn"');

    // Too few sends to tell: refused in words, what was typed kept.
    const low = await admin.post('/console/campaigns/new', { ...form, 'steps.1.winnerOn': 'on', 'steps.1.winnerAfter': '10' });
    expect(low.status).toBe(400);
    const lowHtml = await low.text();
    expect(lowHtml).toContain('Enter a whole number of sends per version, from 30 to 100,000');
    expect(lowHtml).toContain('name="steps.1.winnerAfter" value="10"');

    const saved = await admin.post('/console/campaigns/new', { ...form, 'steps.1.winnerOn': 'on', 'steps.1.winnerAfter': '40' });
    expect(saved.status).toBe(303);
    const id = idFrom(saved.headers.get('location'));
    const campaign = (await (await api.call(`/api/campaigns/${id}`)).json()) as Campaign;
    expect(campaign.steps.map((s) => s.winnerAfter)).toEqual([null, 40, null]);
    const edit = await (await admin.get(`/console/campaigns/${id}/edit`)).text();
    expect(edit).toMatch(/<input type="checkbox" name="steps\.1\.winnerOn" checked=""\/?>/);
    expect(edit).toContain('name="steps.1.winnerAfter" value="40"');

    // Sent so far: 40 of A, 25 of B. The page says it waits, with how far each version is.
    const step = campaign.steps[1]!;
    const p = (await (await api.call('/api/prospects', { method: 'POST', json: { email: 'zoe@client.test' } })).json()) as { id: string };
    await postMany(admin, `/console/campaigns/${id}/leads`, [['prospect', p.id]]);
    const [lead] = await db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, id));
    const send = async (variantId: string, k: number, replied: number, offset: number) => {
      for (let i = 0; i < k; i++) {
        const e = await seedSentEmail(db, api.workspace.id, { to: 'zoe@client.test', campaignId: id, campaignLeadId: lead!.id, stepId: step.id, variantId, sentAt: new Date(Date.now() - 86_400_000 + (offset + i) * 1000) });
        if (i < replied) await db.insert(emailEvents).values({ workspaceId: api.workspace.id, emailId: e.id, type: 'reply' });
      }
    };
    await send('A', 40, 3, 0);
    await send('B', 25, 10, 100);
    const waiting = await (await admin.get(`/console/campaigns/${id}`)).text();
    expect(waiting).toContain('winner to the rest after 40 sends per version');
    expect(waiting).toContain('Waiting for 40 sends per version before picking a winner</strong> (A: 40 of 40, B: 25 of 40)');

    // B reaches 40 with 12 replies against A's 3: the scheduler's choice, in words, with the counts it rests on.
    await send('B', 15, 2, 200);
    const decided = await (await admin.get(`/console/campaigns/${id}`)).text();
    expect(decided).toMatch(/<strong>Sending version B to the rest<\/strong>: it won on replies, 12\/40 vs 3\/40, p = 0\.0\d+\./);
    const stats = (await (await api.call(`/api/campaigns/${id}/stats`)).json()) as { steps: Array<{ winnerToRest: string | null; winnerTest: { compared: Array<{ id: string; sent: number; hits: number }> } | null }> };
    expect(stats.steps[1]).toMatchObject({ winnerToRest: 'B', winnerTest: { compared: [{ id: 'B', sent: 40, hits: 12 }, { id: 'A', sent: 40, hits: 3 }] } });
  });
});

describe('console campaigns: leads, launch and figures', () => {
  it('adds leads from a search (all matching), one by one and from a CSV, leaving suppressed people out', async () => {
    const api = await signIn(rt.app, 'ana@ccamp-leads.test');
    const admin = await consoleClient(rt, 'ana@ccamp-leads.test');
    const db = rt.deps.db;
    for (const [email, company] of [['a@north.test', 'Northwind'], ['b@north.test', 'Northwind'], ['c@south.test', 'Southwind'], ['gone@north.test', 'Northwind']]) {
      await api.call('/api/prospects', { method: 'POST', json: { email, company } });
    }
    await db.insert(suppressions).values({ workspaceId: api.workspace.id, email: 'gone@north.test', reason: 'unsubscribe' });
    const created = await admin.post('/console/campaigns/new', { name: 'Leads test', 'steps.0.delay': '0', 'steps.0.subject': 'Hi', 'steps.0.bodyHtml': '<p>Hi</p>', op: 'save' });
    const id = idFrom(created.headers.get('location'));

    const picker = await (await admin.get(`/console/campaigns/${id}/leads/add?q=north`)).text();
    expect(picker).toContain('3 prospects match');
    expect(picker).not.toContain('c@south.test');
    const all = await admin.submit(`/console/campaigns/${id}/leads`, { q: 'north', owner: '', all: 'yes' });
    expect(all).toContain('Added 2 lead(s) to “Leads test”. 1 suppressed, left out (gone@north.test).');

    const south = (await (await api.call('/api/prospects?q=south')).json()) as { data: Array<{ id: string }> };
    const one = await postMany(admin, `/console/campaigns/${id}/leads`, [['prospect', south.data[0]!.id], ['prospect', south.data[0]!.id]]);
    expect(one.status).toBe(303);
    expect(flashOf(one)).toBe('Added 1 lead(s) to “Leads test”.');
    const none = await admin.post(`/console/campaigns/${id}/leads`, {});
    expect(none.status).toBe(303);
    expect(await (await admin.get(none.headers.get('location')!)).text()).toContain('tick at least one prospect');

    const csv = new FormData();
    csv.set('file', new File(['email,first name,company\nnew@east.test,Nia,Eastwind\na@north.test,Al,Northwind\nnot-an-email,X,Y\n'], 'leads.csv', { type: 'text/csv' }));
    csv.set('dedupe', 'update');
    const uploaded = await admin.upload(`/console/campaigns/${id}/leads/csv`, csv);
    expect(uploaded.status).toBe(303);
    const result = await (await admin.get(uploaded.headers.get('location')!)).text();
    expect(result).toContain('From the file: 1 new prospect(s), 1 updated. Added 1 lead(s) to “Leads test”. 1 already in it.');
    expect(result).toMatch(/1 row\(s\) could not be read \(row 4: /);

    const leads = await db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, id));
    expect(leads).toHaveLength(4);
    expect(result).toContain('data-lead="new@east.test"');
    expect(result).toContain('Waiting to start');
  });

  it('launches, pauses, resumes and archives with words a person reads, audited, and lists real counts', async () => {
    const api = await signIn(rt.app, 'ana@ccamp-life.test');
    const admin = await consoleClient(rt, 'ana@ccamp-life.test');
    const db = rt.deps.db;
    const ws = api.workspace.id;
    const p = (await (await api.call('/api/prospects', { method: 'POST', json: { email: 'kai@client.test' } })).json()) as { id: string };
    const q = (await (await api.call('/api/prospects', { method: 'POST', json: { email: 'mo@client.test' } })).json()) as { id: string };
    const created = await admin.post('/console/campaigns/new', { ...sequenceForm('', ['50', '50']), 'steps.2.bodyHtml': '<p>Bye</p>', 'steps.2.subject': 'Bye' });
    expect(created.status).toBe(303);
    const id = idFrom(created.headers.get('location'));
    await postMany(admin, `/console/campaigns/${id}/leads`, [['prospect', p.id], ['prospect', q.id]]);

    const launched = await admin.submit(`/console/campaigns/${id}/launch`);
    expect(launched).toContain('Launched “Spring outreach”: 2 lead(s) start with step 1');
    expect(launched).toContain('data-status="active"');
    expect(await admin.submit(`/console/campaigns/${id}/pause`)).toContain('Paused “Spring outreach”: nothing more goes out until you resume it.');
    expect(await admin.submit(`/console/campaigns/${id}/pause`)).toContain('Only a active campaign can be paused (this one is paused)');
    expect(await admin.submit(`/console/campaigns/${id}/resume`)).toContain('Resumed “Spring outreach”');

    // One lead paused and resumed from the campaign page, with the reason shown.
    const [kai] = await db.select().from(campaignLeads).where(and(eq(campaignLeads.campaignId, id), eq(campaignLeads.prospectId, p.id)));
    const paused = await admin.submit(`/console/campaigns/${id}/leads/${kai!.id}/pause`);
    expect(paused).toContain('kai@client.test: paused.');
    expect(paused).toContain('Paused by the rep');
    expect(await admin.submit(`/console/campaigns/${id}/leads/${kai!.id}/resume`)).toContain('Resumed by the rep');
    expect(await (await admin.get(`/console/campaigns/${id}/leads/${kai!.id}/remove`)).text()).toContain('Take kai@client.test out of “Spring outreach”?');
    const removed = await admin.submit(`/console/campaigns/${id}/leads/${kai!.id}/remove`, { confirm: 'yes' });
    expect(removed).toContain('kai@client.test is out of “Spring outreach”.');
    expect(removed).toContain('Removed from the campaign by the rep');

    // What the scheduler would have sent: step 2's two versions, with people's opens, replies and a bounce.
    const campaign = (await (await api.call(`/api/campaigns/${id}`)).json()) as Campaign;
    const [leadMo] = await db.select().from(campaignLeads).where(and(eq(campaignLeads.campaignId, id), eq(campaignLeads.prospectId, q.id)));
    const step2 = campaign.steps[1]!;
    const sent = async (variantId: string, events: Array<'open' | 'reply' | 'bounce'>, machineOpen = false) => {
      const e = await seedSentEmail(db, ws, { to: 'mo@client.test', campaignId: id, campaignLeadId: leadMo!.id, stepId: step2.id, variantId });
      await db.insert(emailEvents).values([{ workspaceId: ws, emailId: e.id, type: 'sent' }, ...events.map((type) => ({ workspaceId: ws, emailId: e.id, type })), ...(machineOpen ? [{ workspaceId: ws, emailId: e.id, type: 'open' as const, machine: true }] : [])]);
    };
    await sent('A', ['open', 'reply']);
    await sent('A', ['open']);
    await sent('A', [], true);
    await sent('B', ['bounce']);
    const detail = await (await admin.get(`/console/campaigns/${id}`)).text();
    expect(detail).toMatch(/data-variant-stats="2A"[\s\S]*?data-label="Sent" class="num">3<[\s\S]*?data-label="Opened" class="num">2 /);
    expect(detail).toMatch(/data-variant-stats="2B"[\s\S]*?data-label="Sent" class="num">1</);
    expect(detail).toContain('No winner yet');
    expect(detail).toContain('not enough sends yet: every version needs 30 (A has 3, B has 1)');
    expect(detail).toMatch(/A: 1 replies of 3 sent vs B: 0 replies of 1 sent, p = 0\.\d+/);

    const list = await (await admin.get('/console/campaigns')).text();
    const row = /<tr data-campaign="Spring outreach">[\s\S]*?<\/tr>/.exec(list)![0];
    expect(row).toMatch(/data-count="steps">3</);
    expect(row).toMatch(/<strong>2<\/strong><span class="muted small"> \(1 in sequence, 1 stopped\)/);
    expect(row).toMatch(/data-count="sent">4</);
    expect(row).toMatch(/data-count="opened">2</); // the scanner's open is not a person
    expect(row).toMatch(/data-count="replies">1</);
    expect(row).toMatch(/data-count="bounces">1</);

    expect(await (await admin.get(`/console/campaigns/${id}/archive`)).text()).toContain('Archive “Spring outreach”?');
    const archived = await admin.submit(`/console/campaigns/${id}/archive`, { confirm: 'yes' });
    expect(archived).toContain('Archived “Spring outreach”: it is read-only now; its figures stay.');
    expect(archived).toContain('Archived: read-only, kept for its figures.');
    expect(archived).not.toContain('Edit sequence');

    const audit = await (await admin.get('/console/audit')).text();
    for (const words of ['created campaign', 'launched campaign', 'paused campaign', 'resumed campaign', 'archived campaign', 'added leads to campaign', 'removed a lead from campaign']) expect(audit).toContain(words);
  });
});

describe('console campaigns: who may change what', () => {
  it('lets members act on their own campaigns only, and refuses every write of a viewer on the server', async () => {
    const owner = await signIn(rt.app, 'ana@ccamp-roles.test');
    const adminPage = await consoleClient(rt, 'ana@ccamp-roles.test');
    await signIn(rt.app, 'max@ccamp-roles.test');
    const member = await consoleClient(rt, 'max@ccamp-roles.test');
    const viewerApi = await signIn(rt.app, 'vic@ccamp-roles.test');
    await rt.deps.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, viewerApi.user.id));
    const viewer = await consoleClient(rt, 'vic@ccamp-roles.test');
    const db = rt.deps.db;

    const form = { name: 'Ana’s', 'steps.0.delay': '0', 'steps.0.subject': 'Hi', 'steps.0.bodyHtml': '<p>Hi</p>', op: 'save' };
    const anas = idFrom((await adminPage.post('/console/campaigns/new', form)).headers.get('location'));
    const maxs = idFrom((await member.post('/console/campaigns/new', { ...form, name: 'Max’s' })).headers.get('location'));

    // The member reads Ana's campaign but cannot change it: no buttons, and the server says no.
    const seen = await (await member.get(`/console/campaigns/${anas}`)).text();
    expect(seen).toContain('Only its owner or an admin can change this campaign.');
    expect(seen).not.toContain(`/console/campaigns/${anas}/launch`);
    for (const path of [`/console/campaigns/${anas}/launch`, `/console/campaigns/${anas}/archive`, `/console/campaigns/${anas}/edit`]) {
      const res = await member.post(path, { ...form, name: 'Taken over' });
      expect(res.status, path).toBe(403);
    }
    expect((await member.get(`/console/campaigns/${anas}/leads/add`)).status).toBe(403);
    const readOnlyEditor = await (await member.get(`/console/campaigns/${anas}/edit`)).text();
    expect(readOnlyEditor).toContain('Only its owner or an admin can change this campaign. You can still preview its steps');
    expect(readOnlyEditor).not.toContain('Save sequence');
    expect(await member.submit(`/console/campaigns/${maxs}/launch`)).toContain('Launched “Max’s”');
    // An admin may act on anyone's.
    expect(await adminPage.submit(`/console/campaigns/${maxs}/pause`)).toContain('Paused “Max’s”');

    // A viewer reads both, sees no action, and every POST is refused whatever the page shows.
    const list = await (await viewer.get('/console/campaigns')).text();
    expect(list).toContain('Ana’s');
    expect(list).not.toContain('New campaign');
    expect((await viewer.get('/console/campaigns/new')).status).toBe(403);
    for (const path of ['/console/campaigns/new', `/console/campaigns/${anas}/launch`, `/console/campaigns/${anas}/archive`, `/console/campaigns/${anas}/edit`, `/console/campaigns/${anas}/leads`]) {
      const res = await viewer.post(path, form);
      expect(res.status, path).toBe(403);
      expect(await res.text()).toContain('Viewers can read but not change anything');
    }
    const anasNow = (await (await owner.call(`/api/campaigns/${anas}`)).json()) as Campaign;
    expect(anasNow.status).toBe('draft');
    expect(anasNow.name).toBe('Ana’s');
    const count = await db.select().from(auditEvents).where(and(eq(auditEvents.workspaceId, owner.workspace.id), eq(auditEvents.actorId, viewerApi.user.id), eq(auditEvents.action, 'campaign.created')));
    expect(count).toHaveLength(0);
  });
});

describe('console campaigns: a lead’s reason in words', () => {
  it('says the moments an out-of-office wrote as dates in the reader’s zone, and leaves plain reasons alone', () => {
    const ooo = 'Out of office (back 2030-01-15): paused until 2030-01-16T00:00:00.000Z';
    expect(leadReasonWords(ooo, 'Europe/Paris')).toBe('Out of office (back Tue 15 Jan 2030): paused until Wed 16 Jan 2030, 01:00 GMT+1');
    expect(leadReasonWords(ooo, 'America/New_York')).toBe('Out of office (back Tue 15 Jan 2030): paused until Tue 15 Jan 2030, 19:00 EST');
    expect(leadReasonWords('Out of office (no return date given): paused until 2030-03-01T09:30:00.000Z', 'UTC')).toBe('Out of office (no return date given): paused until Fri 1 Mar 2030, 09:30 UTC');
    for (const plain of ['Replied', 'Step 1 sent', 'Soft bounce 3 times (mailbox full): gave up']) expect(leadReasonWords(plain, 'Europe/Paris')).toBe(plain);
  });
});
