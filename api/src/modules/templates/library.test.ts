import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, signIn, testDbKind, type TestRuntime, expectError } from '../../../test/harness';
import { giveMailbox } from '../../../test/test-mailbox';
import { renderTemplateResponse, templateListResponse, templateSchema } from '../../../../shared/contracts/templates';
import { campaigns, emailEvents, emails, memberships, sequenceSteps, templateSeeds, templates } from '../../../../db/schema';
import { BUILTIN_TEMPLATES } from './builtins';
import { seedBuiltinTemplates } from './seed';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime();
});
afterAll(() => rt?.close());

const list = async (who: Awaited<ReturnType<typeof signIn>>, query = '') => {
  const res = await who.call(`/api/templates?limit=100${query}`);
  expect(res.status).toBe(200);
  return templateListResponse.parse(await res.json());
};
describe('built-in template library', () => {
  it('gives a new workspace 20 distinct templates, each with a category and a fallback for every variable', async () => {
    const ana = await signIn(rt.app, 'ana@lib-new.test');
    const page = await list(ana);
    expect(page.pagination.total).toBe(20);
    const builtins = page.data.filter((t) => t.builtinKey);
    expect(builtins).toHaveLength(20);
    expect(new Set(builtins.map((t) => t.builtinKey))).toEqual(new Set(BUILTIN_TEMPLATES.map((b) => b.key)));
    for (const field of ['name', 'subject', 'bodyHtml'] as const) expect(new Set(builtins.map((t) => t[field])).size).toBe(20);
    expect(new Set(builtins.map((t) => t.category)).size).toBeGreaterThanOrEqual(8);
    for (const t of builtins) {
      expect(t.category).not.toBeNull();
      expect(t.subject.length).toBeGreaterThan(0);
      expect(t.bodyHtml.length).toBeGreaterThan(100);
      expect(t.variables).toContain('firstName');
      for (const v of t.variableFallbacks) expect(v.fallback, `${t.builtinKey}: {{${v.name}}}`).toBeTruthy();
      // Sends cleanly to a prospect with nothing but an address.
      const out = renderTemplateResponse.parse(await (await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: {} })).json());
      expect(out.missing).toEqual([]);
      expect(out.subject + out.bodyHtml).not.toContain('{{');
    }
    const intro = builtins.find((t) => t.builtinKey === 'cold-intro')!;
    const filled = renderTemplateResponse.parse(await (await ana.call(`/api/templates/${intro.id}/render`, { method: 'POST', json: { vars: { firstName: 'Pia', company: 'Pco' } } })).json());
    expect(filled.subject).toBe('Quick question, Pia');
    expect(filled.bodyHtml).toContain('at Pco this quarter');
  });

  it('is editable, and neither an edit nor a delete is ever seeded over', async () => {
    const ana = await signIn(rt.app, 'ana@lib-edit.test');
    const before = await list(ana);
    const intro = before.data.find((t) => t.builtinKey === 'cold-intro')!;
    const breakUp = before.data.find((t) => t.builtinKey === 'break-up')!;
    const edited = templateSchema.parse(await (await ana.call(`/api/templates/${intro.id}`, { method: 'PATCH', json: { subject: 'My own subject', category: 'other' } })).json());
    expect(edited).toMatchObject({ subject: 'My own subject', category: 'other', builtinKey: 'cold-intro' });
    expect((await ana.call(`/api/templates/${breakUp.id}`, { method: 'DELETE' })).status).toBe(204);
    // The seed run again (as a restarted process or another API instance would): nothing comes back.
    expect(await seedBuiltinTemplates(rt.deps.db, ana.workspace.id)).toBe(0);
    const after = await list(ana);
    expect(after.pagination.total).toBe(19);
    expect(after.data.find((t) => t.id === intro.id)?.subject).toBe('My own subject');
    expect(after.data.some((t) => t.builtinKey === 'break-up')).toBe(false);
  });

  it('lets a member copy a builtin into their own template (the builtin itself is the admins’)', async () => {
    await signIn(rt.app, 'ana@lib-copy.test'); // the workspace's first user: its admin
    const mo = await signIn(rt.app, 'mo@lib-copy.test');
    const [m] = await rt.deps.db.select().from(memberships).where(eq(memberships.userId, mo.user.id));
    expect(m?.role).toBe('member');
    const intro = (await list(mo)).data.find((t) => t.builtinKey === 'cold-intro')!;
    await expectError(await mo.call(`/api/templates/${intro.id}`, { method: 'PATCH', json: { subject: 'x' } }), 403, 'FORBIDDEN');
    const res = await mo.call(`/api/templates/${intro.id}/copy`, { method: 'POST' });
    expect(res.status).toBe(201);
    const copy = templateSchema.parse(await res.json());
    expect(copy).toMatchObject({ name: `${intro.name} (copy)`, subject: intro.subject, category: intro.category, builtinKey: null, ownerId: mo.user.id });
    expect((await mo.call(`/api/templates/${copy.id}`, { method: 'PATCH', json: { subject: 'Mine now' } })).status).toBe(200);
  });

  it('lists for a system read with no user (no stars to sort by)', async () => {
    const ana = await signIn(rt.app, 'ana@lib-system.test');
    const { listTemplates } = await import('./service');
    const page = await listTemplates(rt.deps.db, ana.workspace.id, { page: 1, limit: 5 });
    expect(page.total).toBe(20);
    expect(page.rows.every((t) => !t.favourite)).toBe(true);
  });

  it(`seeds once under concurrent first reads (${testDbKind})`, async () => {
    const ana = await signIn(rt.app, 'ana@lib-race.test');
    const pages = await Promise.all(Array.from({ length: 8 }, () => list(ana)));
    for (const p of pages) expect(p.pagination.total).toBe(20);
    const rows = await rt.deps.db.select({ id: templates.id }).from(templates).where(eq(templates.workspaceId, ana.workspace.id));
    expect(rows).toHaveLength(20);
    // The statement itself, 8 at once on a workspace nobody has read yet: 20 created in all.
    const bob = await signIn(rt.app, 'bob@lib-race2.test');
    const created = await Promise.all(Array.from({ length: 8 }, () => seedBuiltinTemplates(rt.deps.db, bob.workspace.id)));
    expect(created.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await rt.deps.db.select().from(templateSeeds).where(eq(templateSeeds.workspaceId, bob.workspace.id))).toHaveLength(20);
  });
});

describe('favourites and categories', () => {
  it('stars per user, lists favourites first, filters, and unstars', async () => {
    const ana = await signIn(rt.app, 'ana@lib-fav.test');
    const ben = await signIn(rt.app, 'ben@lib-fav.test');
    const all = await list(ana);
    const target = all.data.at(-1)!;
    expect((await ana.call(`/api/templates/${target.id}/favourite`, { method: 'PUT' })).status).toBe(204);
    expect((await ana.call(`/api/templates/${target.id}/favourite`, { method: 'PUT' })).status).toBe(204);
    const mine = await list(ana);
    expect(mine.data[0]).toMatchObject({ id: target.id, favourite: true });
    expect((await list(ana, '&favourite=true')).data.map((t) => t.id)).toEqual([target.id]);
    expect(templateSchema.parse(await (await ana.call(`/api/templates/${target.id}`)).json()).favourite).toBe(true);
    // Ben's view of the same workspace: not his star.
    expect((await list(ben, '&favourite=true')).data).toEqual([]);
    expect((await ana.call(`/api/templates/${target.id}/favourite`, { method: 'DELETE' })).status).toBe(204);
    expect((await list(ana, '&favourite=true')).data).toEqual([]);

    const objections = await list(ana, '&category=objection');
    expect(objections.data.length).toBeGreaterThanOrEqual(3);
    expect(objections.data.every((t) => t.category === 'objection')).toBe(true);
    const own = templateSchema.parse(await (await ana.call('/api/templates', { method: 'POST', json: { name: 'Mine', subject: 's', bodyHtml: 'b', category: 'meeting' } })).json());
    expect((await list(ana, '&builtin=false')).data.map((t) => t.id)).toEqual([own.id]);
    expect((await list(ana)).data[0]!.id).toBe(own.id); // a rep's own come before the library
  });

  it('refuses bad input and other workspaces', async () => {
    const ana = await signIn(rt.app, 'ana@lib-bad.test');
    const rex = await signIn(rt.app, 'rex@lib-rival.test');
    const theirs = (await list(rex)).data[0]!;
    await expectError(await ana.call(`/api/templates/${theirs.id}/favourite`, { method: 'PUT' }), 404, 'NOT_FOUND');
    await expectError(await ana.call('/api/templates/nope/favourite', { method: 'PUT' }), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/templates?category=spam'), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/templates?favourite=maybe'), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/templates', { method: 'POST', json: { name: 'x', category: 'spam' } }), 400, 'VALIDATION_ERROR');
  });
});

describe('template performance', () => {
  it('counts sends from the template and through campaign steps, with human opens and replies', async () => {
    const ana = await signIn(rt.app, 'ana@lib-perf.test');
    await giveMailbox(rt, ana, 'ana@lib-perf.test');
    const t = templateSchema.parse(await (await ana.call('/api/templates', { method: 'POST', json: { name: 'Measured', subject: 'Hi {{firstName|there}}', bodyHtml: '<p>Hello</p>' } })).json());
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': `perf-key-${i}-${t.id}` }, json: { to: `p${i}@perf.test`, subject: t.subject, bodyHtml: t.bodyHtml, templateId: t.id } });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    const [row] = await rt.deps.db.select({ templateId: emails.templateId }).from(emails).where(eq(emails.id, ids[0]!));
    expect(row?.templateId).toBe(t.id);
    // A campaign send: the step names the template, the email names the step.
    const [campaign] = await rt.deps.db.insert(campaigns).values({ workspaceId: ana.workspace.id, ownerId: ana.user.id, name: 'C' }).returning();
    const [step] = await rt.deps.db.insert(sequenceSteps).values({ campaignId: campaign!.id, position: 0, templateId: t.id }).returning();
    const [stepEmail] = await rt.deps.db
      .insert(emails)
      .values({ workspaceId: ana.workspace.id, userId: ana.user.id, stepId: step!.id, campaignId: campaign!.id, idempotencyKey: `step-${step!.id}`, requestHash: 'x', to: 'q@perf.test', subject: 's', bodyHtml: 'b', messageId: `<${step!.id}@perf.test>`, status: 'SENT', sentAt: new Date() })
      .returning();
    // Three of the direct sends went out; the fourth is still pending.
    await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: new Date() }).where(and(eq(emails.workspaceId, ana.workspace.id), eq(emails.templateId, t.id), eq(emails.to, 'p0@perf.test')));
    for (const to of ['p1@perf.test', 'p2@perf.test']) await rt.deps.db.update(emails).set({ status: 'SENT', sentAt: new Date() }).where(and(eq(emails.workspaceId, ana.workspace.id), eq(emails.to, to)));
    const ev = (emailId: string, type: 'open' | 'reply', machine = false) => ({ workspaceId: ana.workspace.id, emailId, type, machine });
    await rt.deps.db.insert(emailEvents).values([
      ev(ids[0]!, 'open'), ev(ids[0]!, 'open'), ev(ids[0]!, 'reply'),
      ev(ids[1]!, 'open', true), // a scanner: not a person
      ev(stepEmail!.id, 'open'), ev(stepEmail!.id, 'reply'),
    ]);
    const got = templateSchema.parse(await (await ana.call(`/api/templates/${t.id}`)).json());
    expect(got.usageCount).toBe(5);
    expect(got.performance).toEqual({ used: 5, sent: 4, humanOpens: 2, replies: 2, humanOpenRate: 0.5, replyRate: 0.5 });
    expect((await list(ana, '&builtin=false')).data[0]!.performance.sent).toBe(4);
  });

  it("refuses a send naming another workspace's template", async () => {
    const ana = await signIn(rt.app, 'ana@lib-perf2.test');
    const rex = await signIn(rt.app, 'rex@lib-perf-rival.test');
    await giveMailbox(rt, ana, 'ana@lib-perf2.test');
    const theirs = (await list(rex)).data[0]!;
    await expectError(await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': 'perf-foreign-1' }, json: { to: 'x@perf.test', subject: 's', bodyHtml: 'b', templateId: theirs.id } }), 404, 'NOT_FOUND');
    await expectError(await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': 'perf-foreign-2' }, json: { to: 'x@perf.test', subject: 's', bodyHtml: 'b', templateId: 'no' } }), 400, 'VALIDATION_ERROR');
  });
});

