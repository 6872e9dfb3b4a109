import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestRuntime, type TestRuntime } from '../test/harness';
import { invites, prospects, suppressions } from '../../db/schema';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await createTestRuntime({ env: { AUTH_RATE_LIMIT_PER_MIN: '1000' } });
});
afterAll(() => rt?.close());

const ORIGIN = 'http://localhost';

/** Signs in through the console's form and keeps the cookie and the CSRF token of its pages. */
async function consoleSignIn(email: string) {
  const res = await rt.app.request('/console/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    body: new URLSearchParams({ email, name: '' }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.getSetCookie().map((l) => l.split(';')[0]).join('; ');
  let csrf = '';
  const get = async (path: string) => {
    const r = await rt.app.request(path, { headers: { cookie } });
    csrf = /name="_csrf" value="([^"]+)"/.exec(await r.clone().text())?.[1] ?? csrf;
    return r;
  };
  const post = (path: string, form: Record<string, string> = {}) =>
    rt.app.request(path, { method: 'POST', headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form, _csrf: csrf }).toString() });
  return { get, post };
}

describe('console: a person’s data', () => {
  it('downloads the export and erases after a confirm page, admins only', async () => {
    const admin = await consoleSignIn('boss@console-privacy.test');
    const { workspaceId } = (await rt.deps.db.query.memberships.findFirst())!;
    await rt.deps.db.insert(invites).values({ workspaceId, email: 'rep@console-privacy.test', role: 'member' });
    const member = await consoleSignIn('rep@console-privacy.test');
    const [p] = await rt.deps.db.insert(prospects).values({ workspaceId, email: 'gone@console-privacy.test', firstName: 'Wilhelmina' }).returning();

    // A member may download but not erase: no button, and the POST is refused.
    const seen = await (await member.get(`/console/prospects/${p!.id}`)).text();
    expect(seen).toContain('Download their data (JSON)');
    expect(seen).not.toContain('Erase this person');
    const refused = await member.post(`/console/prospects/${p!.id}/erase`, { confirm: 'yes' });
    expect(refused.headers.get('location')).toBe(`/console/prospects/${p!.id}`);
    expect(await rt.deps.db.select().from(prospects).where(eq(prospects.id, p!.id))).toHaveLength(1);

    const detail = await (await admin.get(`/console/prospects/${p!.id}`)).text();
    expect(detail).toContain(`href="/console/prospects/${p!.id}/export"`);
    expect(detail).toContain('Erase this person…');

    const exported = await admin.get(`/console/prospects/${p!.id}/export`);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expect(((await exported.json()) as { prospect: { firstName: string } }).prospect.firstName).toBe('Wilhelmina');

    const confirm = await (await admin.get(`/console/prospects/${p!.id}/erase`)).text();
    expect(confirm).toContain('Erase gone@console-privacy.test for good?');
    const done = await admin.post(`/console/prospects/${p!.id}/erase`, { confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/console/prospects');
    expect(await rt.deps.db.select().from(prospects).where(eq(prospects.id, p!.id))).toEqual([]);
    const [marker] = await rt.deps.db.select().from(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.reason, 'erased')));
    expect(marker!.email).toMatch(/^erased:[0-9a-f]{64}$/);
  });
});
