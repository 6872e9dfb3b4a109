import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime, signIn, type TestRuntime, expectError } from '../../../test/harness';
import { prospectSchema } from '../../../../shared/contracts/prospects';
import { renderTemplateResponse, templateListResponse, templateSchema } from '../../../../shared/contracts/templates';

let rt: TestRuntime;
let ana: Awaited<ReturnType<typeof signIn>>;
let rival: Awaited<ReturnType<typeof signIn>>;
beforeAll(async () => {
  rt = await createTestRuntime();
  ana = await signIn(rt.app, 'ana@template-co.test', 'Ana');
  rival = await signIn(rt.app, 'rex@rival-tpl.test', 'Rex');
});
afterAll(() => rt?.close());

const createTemplate = async (json: object) => templateSchema.parse(await (await ana.call('/api/templates', { method: 'POST', json })).json());

describe('templates CRUD', () => {
  it('creates, lists the variables, updates, lists and deletes', async () => {
    const t = await createTemplate({ name: 'Intro', subject: 'Hi {{firstName}}', bodyHtml: '<p>{{company}} and {{ custom.industry | your field }}</p>' });
    expect(t.variables).toEqual(['firstName', 'company', 'custom.industry']);
    const updated = templateSchema.parse(await (await ana.call(`/api/templates/${t.id}`, { method: 'PATCH', json: { name: 'Intro v2' } })).json());
    expect(updated).toMatchObject({ name: 'Intro v2', subject: 'Hi {{firstName}}' });
    const list = templateListResponse.parse(await (await ana.call('/api/templates?q=v2')).json());
    expect(list.data.map((x) => x.id)).toEqual([t.id]);
    expect(list.pagination.total).toBe(1);
    expect((await ana.call(`/api/templates/${t.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectError(await ana.call(`/api/templates/${t.id}`), 404, 'NOT_FOUND');
  });

  it('validates input', async () => {
    for (const json of [{}, { name: '' }, { name: 'x', subject: 5 }, { name: 'x', ownerId: 'y' }]) {
      await expectError(await ana.call('/api/templates', { method: 'POST', json }), 400, 'VALIDATION_ERROR');
    }
    await expectError(await ana.call('/api/templates/123'), 400, 'VALIDATION_ERROR');
  });

  it("hides another workspace's template", async () => {
    const t = await createTemplate({ name: 'Private', subject: 's', bodyHtml: 'b' });
    await expectError(await rival.call(`/api/templates/${t.id}`), 404, 'NOT_FOUND');
    await expectError(await rival.call(`/api/templates/${t.id}`, { method: 'PATCH', json: { name: 'mine' } }), 404, 'NOT_FOUND');
    await expectError(await rival.call(`/api/templates/${t.id}/render`, { method: 'POST', json: {} }), 404, 'NOT_FOUND');
    await expectError(await rival.call(`/api/templates/${t.id}`, { method: 'DELETE' }), 404, 'NOT_FOUND');
  });
});

describe('template render', () => {
  it('fills from a prospect and reports what is missing', async () => {
    const t = await createTemplate({ name: 'R', subject: 'Quick question, {{firstName}}', bodyHtml: '<p>How is {{company}} doing with {{custom.industry}}? {{title|Hi}} {{lastName}}</p>' });
    const p = prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'pia@client.test', firstName: 'Pia', customFields: { industry: 'retail' } } })).json());
    const out = renderTemplateResponse.parse(await (await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { prospectId: p.id } })).json());
    expect(out).toEqual({
      subject: 'Quick question, Pia',
      bodyHtml: '<p>How is {{company}} doing with retail? Hi {{lastName}}</p>',
      missing: ['company', 'lastName'],
    });
  });

  it('lets ad-hoc values override and complete the prospect', async () => {
    const t = await createTemplate({ name: 'V', subject: '{{firstName}} at {{company}}', bodyHtml: '{{custom.size}}' });
    const p = prospectSchema.parse(await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'quin@client.test', firstName: 'Quin' } })).json());
    const out = renderTemplateResponse.parse(
      await (await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { prospectId: p.id, vars: { company: 'Qco', custom: { size: '50' } } } })).json(),
    );
    expect(out).toEqual({ subject: 'Quin at Qco', bodyHtml: '50', missing: [] });
  });

  it('stores email-safe HTML and escapes values filled into the body', async () => {
    const t = await createTemplate({ name: 'S', subject: 'For {{company}}', bodyHtml: '<p onclick="x()">Hi {{firstName}}</p><script>alert(1)</script><a href="{{custom.link}}">more</a>' });
    expect(t.bodyHtml).toBe('<p>Hi {{firstName}}</p><a href="{{custom.link}}">more</a>');
    const p = prospectSchema.parse(
      await (await ana.call('/api/prospects', { method: 'POST', json: { email: 'xss@client.test', firstName: '<img src=x onerror=alert(1)>', company: 'A&B' } })).json(),
    );
    const out = renderTemplateResponse.parse(await (await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { prospectId: p.id, vars: { custom: { link: 'https://x.test/?a=1&b=2' } } } })).json());
    expect(out.subject).toBe('For A&B');
    expect(out.bodyHtml).toBe('<p>Hi &lt;img src=x onerror=alert(1)&gt;</p><a href="https://x.test/?a=1&amp;b=2">more</a>');
  });

  it("refuses another workspace's prospect and bad input", async () => {
    const t = await createTemplate({ name: 'X', subject: '{{firstName}}', bodyHtml: '' });
    const theirs = prospectSchema.parse(await (await rival.call('/api/prospects', { method: 'POST', json: { email: 'theirs@client.test', firstName: 'T' } })).json());
    await expectError(await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { prospectId: theirs.id } }), 404, 'NOT_FOUND');
    await expectError(await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { prospectId: 'nope' } }), 400, 'VALIDATION_ERROR');
    await expectError(await ana.call(`/api/templates/${t.id}/render`, { method: 'POST', json: { vars: { firstName: { deep: 1 } } } }), 400, 'VALIDATION_ERROR');
  });
});
