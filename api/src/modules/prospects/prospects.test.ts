import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime, expectError } from '../../../test/harness';
import { importResultSchema, lookupProspectResponse, prospectListResponse, prospectSchema } from '../../../../shared/contracts/prospects';

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
let rival: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@prospect-co.test', 'Ana');
  rival = await signIn(rt.app, 'rex@rival.test', 'Rex');
});
afterAll(() => rt?.close());

const csv = (text: string) => ({ method: 'POST', headers: { 'content-type': 'text/csv' }, body: text });

describe('prospects CRUD', () => {
  it('creates, reads, updates, lists with search, and deletes', async () => {
    const created = await ana.call('/api/prospects', { method: 'POST', json: { email: 'Jo@Client.test', firstName: 'Jo', company: 'Client Ltd', customFields: { industry: 'retail' } } });
    expect(created.status).toBe(201);
    const jo = prospectSchema.parse(await created.json());
    expect(jo.email).toBe('jo@client.test');

    const patched = await ana.call(`/api/prospects/${jo.id}`, { method: 'PATCH', json: { title: 'CTO', company: '' } });
    expect(prospectSchema.parse(await patched.json())).toMatchObject({ title: 'CTO', company: null, firstName: 'Jo' });

    await ana.call('/api/prospects', { method: 'POST', json: { email: 'kim@other.test', firstName: 'Kim', company: 'Other' } });
    const found = prospectListResponse.parse(await (await ana.call('/api/prospects?q=kim')).json());
    expect(found.data.map((p) => p.email)).toEqual(['kim@other.test']);
    const page = prospectListResponse.parse(await (await ana.call('/api/prospects?limit=1&page=2')).json());
    expect(page.pagination).toEqual({ page: 2, limit: 1, total: 2, totalPages: 2 });
    expect(page.data).toHaveLength(1);

    expect((await ana.call(`/api/prospects/${jo.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await ana.call(`/api/prospects/${jo.id}`), 404, 'NOT_FOUND');
  });

  it('keeps a recipient time zone, refuses an unknown one, and clears it with null', async () => {
    const made = await ana.call('/api/prospects', { method: 'POST', json: { email: 'tz@client.test', timeZone: 'America/New_York' } });
    const tz = prospectSchema.parse(await made.json());
    expect(tz.timeZone).toBe('America/New_York');
    await expectError(await ana.call(`/api/prospects/${tz.id}`, { method: 'PATCH', json: { timeZone: 'Mars/Olympus' } }), 400, 'VALIDATION_ERROR');
    const cleared = await ana.call(`/api/prospects/${tz.id}`, { method: 'PATCH', json: { timeZone: null } });
    expect(prospectSchema.parse(await cleared.json()).timeZone).toBeNull();
    await ana.call(`/api/prospects/${tz.id}`, { method: 'DELETE' });
  });

  it('refuses a duplicate email with 409', async () => {
    await ana.call('/api/prospects', { method: 'POST', json: { email: 'dup@client.test' } });
    await expectError(await ana.call('/api/prospects', { method: 'POST', json: { email: 'DUP@client.test' } }), 409, 'CONFLICT');
  });

  it('looks a prospect up by email, null when unknown', async () => {
    await ana.call('/api/prospects', { method: 'POST', json: { email: 'look@client.test', firstName: 'Lou' } });
    const hit = lookupProspectResponse.parse(await (await ana.call('/api/prospects/lookup?email=LOOK@client.test')).json());
    expect(hit.prospect?.firstName).toBe('Lou');
    const miss = lookupProspectResponse.parse(await (await ana.call('/api/prospects/lookup?email=nobody@client.test')).json());
    expect(miss.prospect).toBeNull();
    await expectError(await ana.call('/api/prospects/lookup?email=nope'), 400, 'VALIDATION_ERROR');
  });

  it("keeps each workspace's prospects to itself", async () => {
    const mine = prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'secret@client.test' } })).json());
    await expectError(await rival.call(`/api/prospects/${mine.id}`), 404, 'NOT_FOUND');
    await expectError(await rival.call(`/api/prospects/${mine.id}`, { method: 'PATCH', json: { firstName: 'X' } }), 404, 'NOT_FOUND');
    await expectError(await rival.call(`/api/prospects/${mine.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
    const theirs = lookupProspectResponse.parse(await (await rival.call('/api/prospects/lookup?email=secret@client.test')).json());
    expect(theirs.prospect).toBeNull();
    const list = prospectListResponse.parse(await (await rival.call('/api/prospects')).json());
    expect(list.data.some((p) => p.id === mine.id)).toBe(false);
  });

  it('answers bad input with 400, never 500', async () => {
    for (const json of [{}, { email: 'x' }, { email: 'a@b.test', workspaceId: 'x' }, { email: 'a@b.test', customFields: { 'bad key': 'v' } }, { email: 'a@b.test', firstName: 7 }]) {
      await expectError(await ana.call('/api/prospects', { method: 'POST', json }), 400, 'VALIDATION_ERROR');
    }
    await expectError(await ana.call('/api/prospects/not-a-uuid'), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/prospects?limit=0'), 400, 'VALIDATION_ERROR');
  });

  it('lets a viewer read but not write', async () => {
    const { memberships, users } = await import('../../../../db/schema');
    const { eq } = await import('drizzle-orm');
    const viewer = await signIn(rt.app, 'vi@prospect-co.test');
    const [u] = await rt.deps.db.select().from(users).where(eq(users.email, 'vi@prospect-co.test'));
    await rt.deps.db.update(memberships).set({ role: 'viewer' }).where(eq(memberships.userId, u!.id));
    expect((await viewer.call('/api/prospects')).status).toBe(200);
    await expectError(await viewer.call('/api/prospects', { method: 'POST', json: { email: 'v@x.test' } }), 403, 'FORBIDDEN');
  });
});

describe('CSV import', () => {
  const file = [
    'Email,First Name,Last Name,Company,Industry,Deal Size',
    'amy@csv.test,Amy,Adams,Acme,Retail,10k',
    'not-an-email,Bob,Brown,Bobco,Food,1k',
    'cat@csv.test,Cat',
    '"dan@csv.test","Dan","Dunn","Multi',
    'line Inc",Tech,5k',
    'AMY@csv.test,Amy,Again,Acme2,Retail,99k',
    'eve@csv.test,"Eve,Evans,Evil Corp,Crime,0',
    'fay@csv.test,Fay,Fox,Foxco,Media,2k',
    '',
    'gus@csv.test,Gus,,,,',
  ].join('\n');

  it('imports good rows, reports bad ones by row number, and re-import updates', async () => {
    const s = await signIn(rt.app, 'importer@csv-co.test');
    const res = await s.call('/api/prospects/import', csv(file));
    expect(res.status).toBe(200);
    const result = importResultSchema.parse(await res.json());
    expect(result).toEqual({
      imported: 4,
      updated: 0,
      skipped: 4,
      errors: [
        { row: 3, message: 'invalid email: not-an-email' },
        { row: 4, message: 'expected 6 columns, found 2' },
        { row: 7, message: 'duplicate of row 2 (amy@csv.test); skipped' },
        { row: 8, message: 'unclosed quote' },
      ],
      suppressed: [],
    });
    const dan = lookupProspectResponse.parse(await (await s.call('/api/prospects/lookup?email=dan@csv.test')).json()).prospect;
    expect(dan).toMatchObject({ firstName: 'Dan', company: 'Multi\nline Inc', customFields: { industry: 'Tech', deal_size: '5k' } });
    const fay = lookupProspectResponse.parse(await (await s.call('/api/prospects/lookup?email=fay@csv.test')).json()).prospect;
    expect(fay?.lastName).toBe('Fox');

    const again = importResultSchema.parse(await (await s.call('/api/prospects/import', csv('email,title,industry\namy@csv.test,CEO,\nnew@csv.test,,Ops\n'))).json());
    expect(again).toEqual({ imported: 1, updated: 1, skipped: 0, errors: [], suppressed: [] });
    const amy = lookupProspectResponse.parse(await (await s.call('/api/prospects/lookup?email=amy@csv.test')).json()).prospect;
    expect(amy).toMatchObject({ firstName: 'Amy', company: 'Acme', title: 'CEO', customFields: { industry: 'Retail', deal_size: '10k' } });
  });

  it('accepts a multipart upload', async () => {
    const s = await signIn(rt.app, 'uploader@upload-co.test');
    const form = new FormData();
    form.set('file', new File(['email,first_name\nup@load.test,Una\n'], 'leads.csv', { type: 'text/csv' }));
    const result = importResultSchema.parse(await (await s.call('/api/prospects/import', { method: 'POST', body: form })).json());
    expect(result.imported).toBe(1);
    const una = lookupProspectResponse.parse(await (await s.call('/api/prospects/lookup?email=up@load.test')).json()).prospect;
    expect(una?.firstName).toBe('Una');
  });

  it('imports into the caller’s workspace only', async () => {
    const s = await signIn(rt.app, 'solo@solo-co.test');
    await s.call('/api/prospects/import', csv('email\nshared@csv.test\n'));
    const other = lookupProspectResponse.parse(await (await rival.call('/api/prospects/lookup?email=shared@csv.test')).json());
    expect(other.prospect).toBeNull();
  });

  it('rejects a file without an email column, an empty body or another media type', async () => {
    await expectError(await ana.call('/api/prospects/import', csv('name,company\nA,B\n')), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/prospects/import', csv('')), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call('/api/prospects/import', { method: 'POST', json: { csv: 'email\na@b.test' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = new FormData();
    form.set('other', 'x');
    await expectError(await ana.call('/api/prospects/import', { method: 'POST', body: form }), 400, 'VALIDATION_ERROR');
  });
});
