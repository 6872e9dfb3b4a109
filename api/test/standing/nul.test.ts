import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime } from '../harness';
import { errorEnvelopeSchema } from '../../../shared/errors';

/** Defect 1: a NUL anywhere we are handed text is a 400 naming the field, never a 500. */
let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@nul.test', 'Ana');
});
afterAll(() => rt?.close());

async function expect400(res: Response, field?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(400);
  const body = errorEnvelopeSchema.parse(JSON.parse(text));
  expect(body.error.code).toBe('VALIDATION_ERROR');
  if (field !== undefined) expect(JSON.stringify(body.error.details)).toContain(field);
}

describe('NUL characters', () => {
  it('are refused in bodies, keys, queries, paths and forms with the field named', async () => {
    await expect400(await rt.app.request('/api/auth/sandbox-login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'x@nul.test', name: 'a\u0000b' }) }), 'name');
    await expect400(await ana.call(`/api/drafts/${crypto.randomUUID()}`, { method: 'PUT', json: { version: 1, to: ['a@b.test'], subject: 'hi\u0000', bodyHtml: '<p>x</p>' } }), 'subject');
    await expect400(await ana.call('/api/prospects', { method: 'POST', json: { email: 'p@nul.test', customFields: { 'k\u0000': 'v' } } }), 'customFields');
    await expect400(await ana.call('/api/templates', { method: 'POST', json: { name: 'T', subject: 'S', bodyHtml: '<p>\u0000</p>' } }), 'bodyHtml');
    await expect400(await ana.call('/api/campaigns', { method: 'POST', json: { name: 'C', settings: { 'a\u0000': 1 }, steps: [] } }), 'settings');
    await expect400(await ana.call('/api/emails/send', { method: 'POST', headers: { 'idempotency-key': 'nul-key-0001' }, json: { to: 'a@b.test', subject: 'x\u0000', bodyHtml: '<p>x</p>' } }), 'subject');
    await expect400(await ana.call('/api/tracking/self-view', { method: 'POST', json: { threadId: 't\u0000' } }), 'threadId');
    await expect400(await ana.call('/api/webhooks', { method: 'POST', json: { url: 'https://hooks.example.com/\u0000', events: ['email.sent'] } }));
    await expect400(await ana.call('/api/prospects?q=%00'), 'q');
    await expect400(await ana.call('/api/emails?to=%00&threadId=x'), 'to');
    await expect400(await ana.call('/api/drafts/ab%00cd', { method: 'DELETE' }), 'path');
    const form = await rt.app.request('/console/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' }, body: 'email=x%40nul.test&name=a%00b' });
    expect(form.status).toBeLessThan(500);
    expect(form.status).toBe(400);
  });

  it('in a CSV cell make that row an error while the other rows import', async () => {
    const res = await ana.call('/api/prospects/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'email,first_name\nok1@nul.test,One\nbad@nul.test,B\u0000d\nok2@nul.test,Two\n' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { imported: number; errors: Array<{ row: number; message: string }> };
    expect(body.imported).toBe(2);
    expect(body.errors).toEqual([{ row: 3, message: expect.stringContaining('NUL') }]);
  });
});
