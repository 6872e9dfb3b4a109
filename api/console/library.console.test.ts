import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, type TestRuntime } from '../test/harness';
import { campaignLeads, campaigns, emailEvents, emails, importJobs, prospects, suppressions, templates } from '../../db/schema';
import { importJobsSettled } from '../src/modules/prospects/import-jobs';
import { consoleClient } from '../test/console-client';
import { listProspects } from '../src/modules/prospects/service';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

const csvFile = (text: string, name = 'people.csv') => {
  const body = new FormData();
  body.set('file', new File([text], name, { type: 'text/csv' }));
  return body;
};
const rowsOf = (html: string, attr: string) => [...html.matchAll(new RegExp(`data-${attr}="([^"]+)"`, 'g'))].map((m) => m[1]);

/** Uploads a CSV through the console form and answers the mapping screen's address. */
async function upload(client: Awaited<ReturnType<typeof consoleClient>>, text: string) {
  await client.get('/console/prospects/import');
  const res = await client.upload('/console/prospects/import', csvFile(text));
  expect(res.status, await res.clone().text()).toBe(303);
  const to = res.headers.get('location')!;
  expect(to).toMatch(/^\/console\/prospects\/import\/[0-9a-f-]{36}$/);
  return to;
}

describe('console prospects', () => {
  it('filters by status, campaign, owner and time zone, and shows where each prospect stands', async () => {
    const admin = await consoleClient(rt, 'owner@clib-filter.test');
    const rep = await signIn(rt.app, 'rep@clib-filter.test');
    const ws = rep.workspace.id;
    const db = rt.deps.db;
    const [inSeq, replied, gone, fresh] = await db
      .insert(prospects)
      .values([
        { workspaceId: ws, email: 'inseq@client.test', ownerId: rep.user.id, timeZone: 'Europe/Paris' },
        { workspaceId: ws, email: 'replied@client.test' },
        { workspaceId: ws, email: 'gone@client.test' },
        { workspaceId: ws, email: 'fresh@client.test', timeZone: 'America/New_York' },
      ])
      .returning();
    const [camp] = await db.insert(campaigns).values({ workspaceId: ws, name: 'Filter campaign', status: 'active' }).returning();
    await db.insert(campaignLeads).values([
      { workspaceId: ws, campaignId: camp!.id, prospectId: inSeq!.id, status: 'active' },
      { workspaceId: ws, campaignId: camp!.id, prospectId: replied!.id, status: 'replied' },
    ]);
    await db.insert(suppressions).values({ workspaceId: ws, email: 'gone@client.test', reason: 'unsubscribe' });

    const list = async (query: string) => rowsOf(await (await admin.get(`/console/prospects?${query}`)).text(), 'prospect').sort();
    expect(await list('status=in_sequence')).toEqual(['inseq@client.test']);
    expect(await list('status=replied')).toEqual(['replied@client.test']);
    expect(await list('status=suppressed')).toEqual(['gone@client.test']);
    expect(await list('status=not_contacted')).toEqual(['fresh@client.test', 'gone@client.test']);
    expect(await list(`campaign=${camp!.id}`)).toEqual(['inseq@client.test', 'replied@client.test']);
    expect(await list(`owner=${rep.user.id}`)).toEqual(['inseq@client.test']);
    expect(await list('tz=Europe%2FParis')).toEqual(['inseq@client.test']);
    expect(await list('tz=none')).toEqual(['gone@client.test', 'replied@client.test']);
    expect(await list('status=replied&campaign=' + camp!.id)).toEqual(['replied@client.test']);

    const page = await (await admin.get('/console/prospects')).text();
    expect(page).toContain('<option value="Europe/Paris">Europe/Paris</option>');
    expect(page).toContain('Filter campaign');
    expect(page).toMatch(/data-prospect="gone@client.test">[\s\S]*?Do not contact \(suppressed\)/);
    // The same filter through the API route, on the same service.
    const api = await rep.call(`/api/prospects?status=in_sequence&campaignId=${camp!.id}`);
    expect(((await api.json()) as { data: Array<{ email: string }> }).data.map((p) => p.email)).toEqual(['inseq@client.test']);

    const detail = await (await admin.get(`/console/prospects/${fresh!.id}`)).text();
    expect(detail).toContain('Not contacted yet');
    expect(detail).toContain('value="America/New_York"');
  });

  it('counts a long list only so far, and says so', async () => {
    const me = await signIn(rt.app, 'owner@clib-count.test');
    await rt.deps.db.insert(prospects).values(['a', 'b', 'c'].map((x) => ({ workspaceId: me.workspace.id, email: `${x}@count.test` })));
    const capped = await listProspects(rt.deps.db, me.workspace.id, { page: 1, limit: 2, countUpTo: 2 });
    expect(capped).toMatchObject({ total: 2, capped: true });
    expect(capped.rows).toHaveLength(2);
    expect(await listProspects(rt.deps.db, me.workspace.id, { page: 1, limit: 2, countUpTo: 3 })).toMatchObject({ total: 3, capped: false });
    const exact = await listProspects(rt.deps.db, me.workspace.id, { page: 2, limit: 2 });
    expect(exact).toMatchObject({ total: 3, capped: false });
    expect(exact.rows).toHaveLength(1);
  });

  it('edits a prospect’s time zone, refuses a bad one by field, and deletes with the audit log', async () => {
    const admin = await consoleClient(rt, 'owner@clib-edit.test');
    const me = await signIn(rt.app, 'owner@clib-edit.test');
    const [p] = await rt.deps.db.insert(prospects).values({ workspaceId: me.workspace.id, email: 'tz@client.test' }).returning();
    await admin.get(`/console/prospects/${p!.id}`);
    const bad = await admin.post(`/console/prospects/${p!.id}`, { email: 'tz@client.test', timeZone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="f-timeZone"[^>]*value="Mars\/Olympus"[^>]*aria-invalid="true"|value="Mars\/Olympus"[^>]*aria-invalid="true"/);
    expect(await admin.submit(`/console/prospects/${p!.id}`, { email: 'tz@client.test', timeZone: 'Asia/Tokyo' })).toContain('Saved tz@client.test');
    const [saved] = await rt.deps.db.select().from(prospects).where(eq(prospects.id, p!.id));
    expect(saved!.timeZone).toBe('Asia/Tokyo');
    expect(await admin.submit(`/console/prospects/${p!.id}/delete`, { confirm: 'yes' })).toContain('Deleted tz@client.test');
    expect(await (await admin.get('/console/audit')).text()).toContain('deleted prospect');
  });
});

describe('console CSV import', () => {
  it('maps columns (inferred, then edited), applies the dedupe choice, imports the good rows and reports the bad ones by row', async () => {
    const admin = await consoleClient(rt, 'owner@clib-import.test');
    const me = await signIn(rt.app, 'owner@clib-import.test');
    await rt.deps.db.insert(prospects).values({ workspaceId: me.workspace.id, email: 'kept@acme.test', firstName: 'Old' });
    const to = await upload(admin, 'Work Mail,Given name,Region,Notes\nana@acme.test,Ana,EU,call her\nnot-an-address,Bob,US,x\nkept@acme.test,New,EU,y\n');

    const mapping = await (await admin.get(to)).text();
    expect(mapping).toContain('people.csv');
    // Inferred: each column's guess is the selected option.
    // "Work Mail" is no name Lumina knows, but its values are addresses: guessed from them.
    expect(mapping).toMatch(/name="col0">[\s\S]*?<option value="email" selected="">Email \(guessed from its values\)/);
    expect(mapping).not.toContain('No column is set to Email yet');
    expect(mapping).toMatch(/name="col1">[\s\S]*?<option value="firstName" selected="">First name \(guessed\)/);
    expect(mapping).toMatch(/name="col2">[\s\S]*?<option value="custom.region" selected="">/);
    expect(mapping).toContain('call her');

    // Edited: Notes are not imported; addresses already there are skipped.
    const res = await admin.post(to, { col0: 'email', col1: 'firstName', col2: 'custom.region', col3: 'ignore', dedupe: 'skip' });
    expect(res.status).toBe(303);
    const jobUrl = res.headers.get('location')!;
    expect(jobUrl).toMatch(/^\/console\/prospects\/import\/jobs\/[0-9a-f-]{36}\?rows=3$/);
    const result = await (await admin.get(jobUrl)).text();
    expect(result).toContain('Import finished: 1 new, 0 updated, 1 skipped, 1 row(s) left out.');
    expect(result).toMatch(/data-error-row="3">[\s\S]*?invalid email/i);
    expect(result).toContain('data-error-csv');

    const [ana] = await rt.deps.db.select().from(prospects).where(and(eq(prospects.workspaceId, me.workspace.id), eq(prospects.email, 'ana@acme.test')));
    expect(ana).toMatchObject({ firstName: 'Ana', customFields: { region: 'EU' } });
    const [kept] = await rt.deps.db.select().from(prospects).where(and(eq(prospects.workspaceId, me.workspace.id), eq(prospects.email, 'kept@acme.test')));
    expect(kept!.firstName).toBe('Old');

    const jobId = /jobs\/([0-9a-f-]{36})/.exec(jobUrl)![1];
    const csv = await admin.get(`/console/prospects/import/jobs/${jobId}/errors.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toBe('row,what happened,why');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3,not imported,/);
    // The upload is used up: its mapping screen no longer exists.
    const again = await admin.get(to);
    expect(again.status).toBe(303);
    expect(await (await admin.get('/console/audit')).text()).toContain('imported prospects');
  });

  it('keeps the mapping screen, with the reason, when no column holds the email; nothing is written', async () => {
    const admin = await consoleClient(rt, 'owner@clib-nomail.test');
    const to = await upload(admin, 'email,name\nzed@acme.test,Zed\n');
    await admin.get(to);
    const nameless = await upload(admin, 'Contact,Where\nZed,Paris\n');
    expect(await (await admin.get(nameless)).text()).toContain('No column is set to Email yet');
    const res = await admin.post(to, { col0: 'ignore', col1: 'fullName', dedupe: 'update' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('no column holds the email address');
    expect(html).toMatch(/name="col0">[\s\S]*?<option value="ignore" selected="">/);
    const me = await signIn(rt.app, 'owner@clib-nomail.test');
    expect(await rt.deps.db.select().from(prospects).where(eq(prospects.workspaceId, me.workspace.id))).toHaveLength(0);
    // The same upload can still be mapped right.
    expect((await admin.post(to, { col0: 'email', col1: 'fullName', dedupe: 'update' })).status).toBe(303);
  });

  it('runs a large file as a job the page follows with a progress bar, and reports every bad row', async () => {
    const admin = await consoleClient(rt, 'owner@clib-big.test');
    const rows = ['email,first name'];
    for (let i = 1; i <= 5200; i++) rows.push(i % 100 === 0 ? `broken-${i},Bad` : `p${i}@big.test,P${i}`);
    const to = await upload(admin, `${rows.join('\n')}\n`);
    await admin.get(to);
    const res = await admin.post(to, { col0: 'email', col1: 'firstName', dedupe: 'update' });
    expect(res.status).toBe(303);
    const jobUrl = res.headers.get('location')!;
    expect(jobUrl).toContain('?rows=5200');
    await importJobsSettled();
    const jobId = /jobs\/([0-9a-f-]{36})/.exec(jobUrl)![1];
    const status = (await (await admin.get(`/console/prospects/import/jobs/${jobId}/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'done', rowsRead: 5200, imported: 5148, errorCount: 52 });
    const done = await (await admin.get(jobUrl)).text();
    expect(done).toContain('5,148 new');
    const csv = (await (await admin.get(`/console/prospects/import/jobs/${jobId}/errors.csv`)).text()).trim().split('\n');
    expect(csv).toHaveLength(53);
    expect(csv[1]).toMatch(/^101,not imported,/); // file line 101 holds data row 100
  });

  it('takes an upload over the 1 MB body limit of other forms (the import has its own)', async () => {
    const admin = await consoleClient(rt, 'owner@clib-large.test');
    const rows = ['email,company'];
    for (let i = 0; i < 25_000; i++) rows.push(`someone-with-a-long-name-${i}@large-upload.test,Company ${i}`);
    const text = `${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const to = await upload(admin, text);
    expect(await (await admin.get(to)).text()).toContain('about 25,000 row(s)');
  });

  it('draws the progress of a running job and answers its counts to the poller', async () => {
    const admin = await consoleClient(rt, 'owner@clib-progress.test');
    const me = await signIn(rt.app, 'owner@clib-progress.test');
    const [job] = await rt.deps.db.insert(importJobs).values({ workspaceId: me.workspace.id, userId: me.user.id, dedupe: 'update', rowsRead: 1500, imported: 1490, errorCount: 10 }).returning();
    const html = await (await admin.get(`/console/prospects/import/jobs/${job!.id}?rows=6000`)).text();
    expect(html).toMatch(/<progress id="import-progress" max="6000" value="1500"/);
    expect(html).toContain('1,500 of about 6,000 rows read (25%)');
    expect(html).toContain(`data-job-status="/console/prospects/import/jobs/${job!.id}/status"`);
    const status = await admin.get(`/console/prospects/import/jobs/${job!.id}/status`);
    expect(await status.json()).toMatchObject({ status: 'running', rowsRead: 1500, imported: 1490, errorCount: 10 });
    // Another workspace's job is not found.
    const other = await consoleClient(rt, 'owner@clib-progress-other.test');
    expect((await other.get(`/console/prospects/import/jobs/${job!.id}/status`)).status).toBe(404);
  });
});

describe('console templates', () => {
  it('shows the built-in library by category with figures, toggles a favourite, copies and previews', async () => {
    const admin = await consoleClient(rt, 'owner@clib-tpl.test');
    const me = await signIn(rt.app, 'owner@clib-tpl.test');
    const all = await (await admin.get('/console/templates?show=library')).text();
    expect(rowsOf(all, 'template')).toHaveLength(20);
    const objections = rowsOf(await (await admin.get('/console/templates?category=objection')).text(), 'template');
    expect(objections).toHaveLength(4);

    const [tpl] = await rt.deps.db.select().from(templates).where(and(eq(templates.workspaceId, me.workspace.id), eq(templates.builtinKey, 'cold-intro')));
    expect(tpl).toBeDefined();
    // Two sent with it, one opened by a person and replied to: 50 % and 50 %.
    const sent = await rt.deps.db
      .insert(emails)
      .values(
        [1, 2].map((i) => ({ workspaceId: me.workspace.id, userId: me.user.id, templateId: tpl!.id, idempotencyKey: `clib-${i}`, requestHash: 'h', to: `t${i}@client.test`, subject: 's', bodyHtml: 'b', messageId: `<clib-${i}@x.test>`, status: 'SENT' as const, sentAt: new Date() })),
      )
      .returning();
    await rt.deps.db.insert(emailEvents).values([
      { workspaceId: me.workspace.id, emailId: sent[0]!.id, type: 'open', machine: false },
      { workspaceId: me.workspace.id, emailId: sent[0]!.id, type: 'reply', machine: false },
      { workspaceId: me.workspace.id, emailId: sent[1]!.id, type: 'open', machine: true },
    ]);
    const listed = await (await admin.get('/console/templates?show=library')).text();
    expect(listed).toMatch(new RegExp(`data-template="${tpl!.name}">[\\s\\S]*?2 email\\(s\\)[\\s\\S]*?title="1 of 2 sent">50%[\\s\\S]*?title="1 of 2 sent">50%`));

    // Favourite from the list: it comes back to the same filtered list, starred and first.
    const fav = await admin.post(`/console/templates/${tpl!.id}/favourite`, { on: 'true', back: '/console/templates?category=cold_outreach' });
    expect(fav.status).toBe(303);
    expect(fav.headers.get('location')).toBe('/console/templates?category=cold_outreach');
    const starred = await (await admin.get('/console/templates?show=favourites')).text();
    expect(rowsOf(starred, 'template')).toEqual([tpl!.name]);
    expect(starred).toContain('aria-pressed="true"');
    // A crafted `back` cannot send the browser elsewhere.
    const offsite = await admin.post(`/console/templates/${tpl!.id}/favourite`, { on: 'false', back: 'https://evil.test/' });
    expect(offsite.headers.get('location')).toBe(`/console/templates/${tpl!.id}`);
    expect(rowsOf(await (await admin.get('/console/templates?show=favourites')).text(), 'template')).toEqual([]);

    // The editor: figures, the variables it uses with their fallbacks, a preview for a prospect.
    const [p] = await rt.deps.db.insert(prospects).values({ workspaceId: me.workspace.id, email: 'preview@client.test', firstName: 'Priya', company: 'Preview Co' }).returning();
    const editor = await (await admin.get(`/console/templates/${tpl!.id}`)).text();
    expect(editor).toContain('Used in 2 email(s): 2 sent, opened by 1 (50%), replied by 1 (50%).');
    expect(editor).toMatch(/data-template-vars="true">[\s\S]*?\{\{firstName\}\}<\/code> — “there” when missing/);
    const preview = await admin.post(`/console/templates/${tpl!.id}`, { intent: 'preview', prospect: p!.id, name: tpl!.name, subject: 'Hello {{firstName}} at {{company}}', bodyHtml: '<p>Hi {{firstName|there}}, {{custom.missing}}</p>' });
    expect(preview.status).toBe(200);
    const shown = await preview.text();
    expect(shown).toContain('Hello Priya at Preview Co');
    expect(shown).toMatch(/data-preview-body="true">Hi Priya,/);
    expect(shown).toContain('Missing for this prospect: {{custom.missing}}');
    // Any prospect by the address typed (not only the newest 50 suggested), and a word when nobody has it.
    const byEmail = await (await admin.post(`/console/templates/${tpl!.id}`, { intent: 'preview', previewEmail: 'preview@client.test', name: tpl!.name, subject: 'Hey {{firstName}}', bodyHtml: 'x' })).text();
    expect(byEmail).toContain('Hey Priya');
    const nobody = await (await admin.post(`/console/templates/${tpl!.id}`, { intent: 'preview', previewEmail: 'nobody@client.test', name: tpl!.name, subject: 'Hey {{firstName|you}}', bodyHtml: 'x' })).text();
    expect(nobody).toContain('No prospect has the address nobody@client.test');
    expect(nobody).toContain('Hey you');

    const copied = await admin.post(`/console/templates/${tpl!.id}/copy`);
    expect(copied.status).toBe(303);
    const copyPage = await (await admin.get(copied.headers.get('location')!)).text();
    expect(copyPage).toContain(`Copied as “${tpl!.name} (copy)”`);
    expect(copyPage).toContain('Yours');
  });

  it('saves a category and refuses a wrong one by field', async () => {
    const admin = await consoleClient(rt, 'owner@clib-cat.test');
    await admin.get('/console/templates/new');
    const page = await admin.submit('/console/templates', { name: 'Mine', subject: 'Hi', bodyHtml: '<p>x</p>', category: 'meeting' });
    expect(page).toContain('<option value="meeting" selected="">Meeting</option>');
    const id = /action="\/console\/templates\/([0-9a-f-]{36})"/.exec(page)![1];
    const bad = await admin.post(`/console/templates/${id}`, { intent: 'save', name: 'Mine', subject: 'Hi', bodyHtml: 'x', category: 'nonsense' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/id="f-category"[^>]*aria-invalid="true"/);
  });
});

describe('console library roles', () => {
  it('members change their own and edit shared prospects; viewers are refused by the server', async () => {
    const admin = await consoleClient(rt, 'owner@clib-roles.test');
    const adminInfo = await signIn(rt.app, 'owner@clib-roles.test');
    const memberInfo = await signIn(rt.app, 'rep@clib-roles.test');
    const viewerInfo = await signIn(rt.app, 'look@clib-roles.test');
    await admin.submit(`/console/members/${viewerInfo.user.id}/role`, { role: 'viewer' });
    const member = await consoleClient(rt, 'rep@clib-roles.test');
    const viewer = await consoleClient(rt, 'look@clib-roles.test');
    const ws = adminInfo.workspace.id;
    const [adminsProspect] = await rt.deps.db.insert(prospects).values({ workspaceId: ws, email: 'admins@client.test', ownerId: adminInfo.user.id }).returning();
    const [adminsTpl] = await rt.deps.db.insert(templates).values({ workspaceId: ws, ownerId: adminInfo.user.id, name: 'Admin only', subject: 's', bodyHtml: 'b' }).returning();

    // A member edits a shared prospect but cannot delete one someone else owns, nor change another's template.
    await member.get(`/console/prospects/${adminsProspect!.id}`);
    expect(await member.submit(`/console/prospects/${adminsProspect!.id}`, { email: 'admins@client.test', company: 'Shared Co' })).toContain('Saved admins@client.test');
    expect(await member.submit(`/console/prospects/${adminsProspect!.id}/delete`, { confirm: 'yes' })).toContain('Only the owner or an admin can delete this prospect.');
    const tplPage = await (await member.get(`/console/templates/${adminsTpl!.id}`)).text();
    expect(tplPage).not.toContain('value="save"');
    expect(tplPage).toContain('copy it to make your own version');
    expect(await member.submit(`/console/templates/${adminsTpl!.id}`, { intent: 'save', name: 'Hijacked', subject: 's', bodyHtml: 'b' })).toContain('Only the owner or an admin can change this template.');
    // But may star it: a star is their own.
    expect(await member.submit(`/console/templates/${adminsTpl!.id}/favourite`, { on: 'true', back: '/console/templates' })).toContain('Added to your favourites.');

    // A viewer reads every page but the server refuses each write.
    for (const path of ['/console/prospects', `/console/prospects/${adminsProspect!.id}`, '/console/prospects/import', '/console/templates', `/console/templates/${adminsTpl!.id}`]) expect((await viewer.get(path)).status).toBe(200);
    const importPage = await (await viewer.get('/console/prospects/import')).text();
    expect(importPage).toContain('Viewers can read but not import');
    expect(importPage).not.toContain('type="file"');
    const refused = [
      await viewer.upload('/console/prospects/import', csvFile('email\nv@client.test\n')),
      await viewer.post(`/console/prospects/${adminsProspect!.id}`, { email: 'admins@client.test', company: 'Viewer Co' }),
      await viewer.post(`/console/prospects/${adminsProspect!.id}/delete`, { confirm: 'yes' }),
      await viewer.post(`/console/templates/${adminsTpl!.id}/favourite`, { on: 'true' }),
      await viewer.post(`/console/templates/${adminsTpl!.id}/copy`),
      await viewer.post(`/console/templates/${adminsTpl!.id}`, { intent: 'save', name: 'Viewer', subject: 's', bodyHtml: 'b' }),
      await viewer.post('/console/templates', { name: 'Viewer new', subject: 's', bodyHtml: 'b' }),
    ];
    for (const r of refused) {
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('Viewers can read but not change anything');
    }
    const [still] = await rt.deps.db.select().from(prospects).where(eq(prospects.id, adminsProspect!.id));
    expect(still!.company).toBe('Shared Co');
    expect(await rt.deps.db.select().from(templates).where(and(eq(templates.workspaceId, ws), eq(templates.name, 'Viewer new')))).toHaveLength(0);
    expect(await rt.deps.db.select().from(prospects).where(and(eq(prospects.workspaceId, ws), eq(prospects.email, 'v@client.test')))).toHaveLength(0);
    void memberInfo;
  });
});
