import { expect } from 'vitest';
import type { TestRuntime } from './harness';

export const ORIGIN = 'http://localhost';

/**
 * Signs in through the console's own form, as a browser would, and returns a client that
 * keeps its cookies (session, flash) and posts forms with the CSRF token of its pages.
 */
export async function consoleClient(rt: Pick<TestRuntime, 'app'>, email: string) {
  const res = await rt.app.request('/console/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
    body: new URLSearchParams({ email, name: '' }).toString(),
  });
  expect(res.status).toBe(303);
  const setCookie = res.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/lumina_console=[^;]+;.*HttpOnly/i);
  expect(setCookie).toMatch(/SameSite=Lax/i);
  const jar = new Map<string, string>();
  const keep = (r: Response) => {
    for (const line of r.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '' || /max-age=0/i.test(line)) jar.delete(name!);
      else jar.set(name!, value.join('='));
    }
    return r;
  };
  keep(res);
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  let csrf = '';
  const get = async (path: string) => {
    const r = keep(await rt.app.request(path, { headers: { cookie: cookie() } }));
    const html = await r.clone().text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
    return r;
  };
  await get('/console');
  const post = async (path: string, form: Record<string, string> = {}, opts: { csrf?: string | null } = {}) => {
    const token = opts.csrf === undefined ? csrf : opts.csrf;
    const body = new URLSearchParams({ ...form, ...(token === null ? {} : { _csrf: token }) });
    return keep(await rt.app.request(path, { method: 'POST', headers: { cookie: cookie(), origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() }));
  };
  /** Posts, follows the 303 and returns the page shown after it. */
  const submit = async (path: string, form: Record<string, string> = {}) => {
    const r = await post(path, form);
    expect(r.status, await r.clone().text()).toBe(303);
    return (await get(r.headers.get('location')!)).text();
  };
  /** A multipart form (a file upload), with the token added. */
  const upload = async (path: string, body: FormData) => {
    body.set('_csrf', csrf);
    return keep(await rt.app.request(path, { method: 'POST', headers: { cookie: cookie(), origin: ORIGIN }, body }));
  };
  return { cookie: () => cookie(), get, post, submit, upload, csrf: () => csrf };
}
