import { z } from 'zod';
import { meResponse, sessionResponse } from '../../shared/contracts/auth';
import { templateListResponse } from '../../shared/contracts/templates';
import { lookupProspectResponse } from '../../shared/contracts/prospects';
import { emailSchema, sendEmailResponse } from '../../shared/contracts/emails';
import { emailTimelineResponse } from '../../shared/contracts/events';
import { observedReplyResponse, selfViewResponse } from '../../shared/contracts/tracking';
import { campaignFiguresSchema, statsResponse, timelineResponse } from '../../shared/contracts/dashboard';
import { mailboxSchema } from '../../shared/contracts/mailboxes';
import { addLeadsResponse, campaignListResponse, leadListResponse, leadSchema } from '../../shared/contracts/campaigns';
import { prospectSchema } from '../../shared/contracts/prospects';
import { suppressionSchema } from '../../shared/contracts/suppressions';
import { paginationSchema } from '../../shared/errors';
import { suggestionResponse } from '../../shared/contracts/ai';
import type { RuntimeMessage, RuntimeResult } from '../../shared/messages';
import { normalizeAddress } from '../../shared/address';
import type { KeyValueStore } from '../state/kv';
import { HOST_KEY, SESSION_KEY, SETTINGS_KEY, readSession, readSettings, type HostStatus } from '../state/session';
import { createApiClient, type ApiClient } from './api-client';
import { syncDirtyDrafts } from './draft-sync';

export interface RouterDeps {
  store: KeyValueStore;
  defaultApiUrl: string;
  fetch?: typeof fetch;
  /** browser.identity.launchWebAuthFlow in the extension, a fake in unit tests; without it Google sign-in answers NOT_AVAILABLE. */
  launchWebAuthFlow?: (url: string) => Promise<string | undefined>;
  redirectUrl?: string;
}

/** Bodies of routes whose contract is not in shared/contracts yet: shown as the API sends them. */
const passthrough = z.unknown();

/**
 * Answers one parsed runtime message. Stateless: everything it needs is read from the
 * store on each call, because the service worker can die between any two messages.
 */
export async function handleMessage(msg: RuntimeMessage, deps: RouterDeps): Promise<RuntimeResult> {
  const { store } = deps;
  switch (msg.type) {
    case 'session.get': {
      const [settings, session, host] = await Promise.all([readSettings(store, deps.defaultApiUrl), readSession(store), store.get<HostStatus>(HOST_KEY)]);
      return ok({ apiUrl: settings.apiUrl, session: session ?? null, host: host ?? null });
    }
    case 'settings.setApiUrl':
      await store.set({ [SETTINGS_KEY]: { apiUrl: new URL(msg.apiUrl).origin } });
      return ok({ apiUrl: new URL(msg.apiUrl).origin });
    case 'session.sandboxLogin': {
      const api = await client(deps, false);
      const res = await api.request({ method: 'POST', path: '/api/auth/sandbox-login', body: { email: msg.email, ...(msg.name ? { name: msg.name } : {}) }, schema: sessionResponse });
      if (res.ok) await store.set({ [SESSION_KEY]: res.data });
      return res;
    }
    case 'session.googleLogin':
      return googleLogin(deps);
    case 'session.logout': {
      const api = await client(deps);
      // Sign out locally whatever the API says: the token is forgotten either way.
      const res = await api.request({ method: 'POST', path: '/api/auth/logout', schema: passthrough });
      await store.remove(SESSION_KEY);
      return ok({ signedOut: true, apiAnswered: res.ok });
    }
    case 'host.report':
      await store.set({ [HOST_KEY]: { host: msg.host, reason: msg.reason, at: Date.now() } satisfies HostStatus });
      return ok(null);
    case 'draft.changed':
    case 'sync.now': {
      const session = await readSession(store);
      if (!session) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in to sync drafts; they stay saved on this computer.' } };
      // `sync.now` is the network coming back (the content script's `online`): skip the backoff.
      return ok(await syncDirtyDrafts({ store, api: await client(deps), retryNow: msg.type === 'sync.now' }));
    }
    case 'dashboard.get': {
      const api = await client(deps);
      // Each section answers on its own: one missing endpoint leaves the others on screen.
      const [stats, timeline, mailboxes, campaigns, recent] = await Promise.all([
        api.request({ path: `/api/dashboard/stats?days=${msg.days}`, schema: statsResponse }),
        api.request({ path: `/api/dashboard/timeline?days=${msg.days}${msg.tz ? `&tz=${encodeURIComponent(msg.tz)}` : ''}`, schema: timelineResponse }),
        api.request({ path: '/api/mailboxes', schema: paginationSchema(mailboxSchema) }),
        api.request({ path: `/api/dashboard/campaigns?days=${msg.days}&limit=20`, schema: paginationSchema(campaignFiguresSchema) }),
        api.request({ path: '/api/emails?limit=5', schema: paginationSchema(emailSchema) }),
      ]);
      return ok({ stats, timeline, mailboxes, campaigns, recent });
    }
    case 'mailboxes.list':
      return (await client(deps)).request({ path: '/api/mailboxes', schema: paginationSchema(mailboxSchema) });
    case 'campaigns.list':
      return (await client(deps)).request({ path: '/api/campaigns?limit=100', schema: campaignListResponse });
    case 'campaign.addLead':
      return addLead(await client(deps), msg.campaignId, msg.email);
    case 'campaign.lead': {
      const path = `/api/campaigns/${encodeURIComponent(msg.campaignId)}/leads?prospectId=${encodeURIComponent(msg.prospectId)}&limit=1`;
      const res = await (await client(deps)).request({ path, schema: leadListResponse });
      return res.ok ? ok({ lead: res.data.data[0] ?? null }) : res;
    }
    case 'campaign.lead.setRunning': {
      const path = `/api/campaigns/${encodeURIComponent(msg.campaignId)}/leads/${encodeURIComponent(msg.leadId)}/${msg.running ? 'resume' : 'pause'}`;
      return (await client(deps)).request({ method: 'POST', path, schema: leadSchema });
    }
    case 'suppression.check': {
      const email = normalizeAddress(msg.email);
      const res = await (await client(deps)).request({ path: `/api/suppressions?q=${encodeURIComponent(email)}&limit=200`, schema: paginationSchema(suppressionSchema) });
      // `q` matches part of an address: only the exact one counts.
      return res.ok ? ok({ suppression: res.data.data.find((s) => normalizeAddress(s.email) === email) ?? null }) : res;
    }
    case 'templates.list':
      return (await client(deps)).request({ path: '/api/templates?limit=100', schema: templateListResponse });
    case 'prospect.lookup':
      return (await client(deps)).request({ path: `/api/prospects/lookup?email=${encodeURIComponent(msg.email)}`, schema: lookupProspectResponse });
    case 'ai.run':
      return (await client(deps)).request({ method: 'POST', path: `/api/ai/${msg.action}`, body: msg.input, schema: suggestionResponse });
    case 'email.send':
      return (await client(deps)).request({
        method: 'POST',
        path: '/api/emails/send',
        headers: { 'idempotency-key': msg.idempotencyKey },
        body: msg.payload,
        schema: sendEmailResponse,
      });
    case 'thread.emails':
      return (await client(deps)).request({ path: `/api/emails?threadId=${encodeURIComponent(msg.threadId)}`, schema: paginationSchema(emailSchema) });
    case 'email.events':
      return (await client(deps)).request({ path: `/api/emails/${encodeURIComponent(msg.emailId)}/events`, schema: emailTimelineResponse });
    case 'tracking.selfView':
      return (await client(deps)).request({ method: 'POST', path: '/api/tracking/self-view', body: { threadId: msg.threadId }, schema: selfViewResponse });
    case 'replies.observed':
      return (await client(deps)).request({ method: 'POST', path: '/api/replies/observed', body: msg.report, schema: observedReplyResponse });
  }
}

/** A sequence takes prospects, not addresses: find the recipient's record, or create it. */
async function addLead(api: ApiClient, campaignId: string, email: string): Promise<RuntimeResult> {
  const found = await api.request({ path: `/api/prospects/lookup?email=${encodeURIComponent(email)}`, schema: lookupProspectResponse });
  if (!found.ok) return found;
  let prospect = found.data.prospect;
  if (!prospect) {
    const created = await api.request({ method: 'POST', path: '/api/prospects', body: { email }, schema: prospectSchema });
    if (!created.ok) return created;
    prospect = created.data;
  }
  return api.request({ method: 'POST', path: `/api/campaigns/${encodeURIComponent(campaignId)}/leads`, body: { prospectIds: [prospect.id] }, schema: addLeadsResponse });
}

async function client(deps: RouterDeps, withToken = true): Promise<ApiClient> {
  const settings = await readSettings(deps.store, deps.defaultApiUrl);
  const session = withToken ? await readSession(deps.store) : undefined;
  return createApiClient({ baseUrl: settings.apiUrl, token: session?.token, fetch: deps.fetch });
}

/** Google sign-in through the API's OAuth start page; the API redirects back with `#token=…`. */
async function googleLogin(deps: RouterDeps): Promise<RuntimeResult> {
  if (!deps.launchWebAuthFlow || !deps.redirectUrl) return { ok: false, error: { code: 'NOT_AVAILABLE', message: 'Google sign-in needs the browser identity API' } };
  const settings = await readSettings(deps.store, deps.defaultApiUrl);
  const start = `${settings.apiUrl}/api/auth/google/start?redirect=${encodeURIComponent(deps.redirectUrl)}`;
  let final: string | undefined;
  try {
    final = await deps.launchWebAuthFlow(start);
  } catch (err) {
    return { ok: false, error: { code: 'GOOGLE_SIGN_IN_FAILED', message: (err as Error).message } };
  }
  const url = final ? new URL(final) : undefined;
  // The API hands the session back in the fragment (`#token=…&expiresAt=…`): never sent to any server.
  const handedBack = new URLSearchParams(url?.hash.slice(1) ?? '');
  const token = handedBack.get('token') ?? url?.searchParams.get('token');
  if (!token) return { ok: false, error: { code: 'GOOGLE_SIGN_IN_FAILED', message: 'Google sign-in did not return a session' } };
  const me = await createApiClient({ baseUrl: settings.apiUrl, token, fetch: deps.fetch }).request({ path: '/api/me', schema: meResponse });
  if (!me.ok) return me;
  const expiresAt = handedBack.get('expiresAt') ?? url?.searchParams.get('expiresAt') ?? new Date(Date.now() + 30 * 864e5).toISOString();
  const session = { token, expiresAt, ...me.data };
  await deps.store.set({ [SESSION_KEY]: session });
  return ok(session);
}

function ok<T>(data: T): RuntimeResult<T> {
  return { ok: true, data };
}
