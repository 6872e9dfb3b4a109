import { z } from 'zod';
import { meResponse, sessionResponse } from '../../shared/contracts/auth';
import { templateListResponse } from '../../shared/contracts/templates';
import { lookupProspectResponse } from '../../shared/contracts/prospects';
import { emailSchema, sendEmailResponse } from '../../shared/contracts/emails';
import { emailTimelineResponse } from '../../shared/contracts/events';
import { observedReplyResponse, selfViewResponse } from '../../shared/contracts/tracking';
import { campaignFiguresSchema, momentumResponse, statsResponse, timelineResponse } from '../../shared/contracts/dashboard';
import { mailboxSchema } from '../../shared/contracts/mailboxes';
import { replyListResponse } from '../../shared/contracts/replies';
import { addLeadsResponse, campaignListResponse, leadListResponse, leadSchema } from '../../shared/contracts/campaigns';
import { prospectSchema } from '../../shared/contracts/prospects';
import { lookupSuppressionResponse } from '../../shared/contracts/suppressions';
import { paginationSchema } from '../../shared/errors';
import { suggestionResponse } from '../../shared/contracts/ai';
import { capabilitiesResponse } from '../../shared/contracts/capabilities';
import type { RuntimeAnswers, RuntimeMessage, RuntimeMessageType, RuntimeRequest, RuntimeResult } from '../../shared/messages';
import type { KeyValueStore } from '../state/kv';
import { SESSION_KEY, SETTINGS_KEY, readSession, readSettings } from '../state/session';
import { currentHostStatus, recordHostReport, type LiveGmailTabs } from './host-reports';
import { createApiClient, type ApiClient } from './api-client';
import { syncDirtyDrafts } from './draft-sync';
import { flushManualSends, queueManualSend } from './manual-send-outbox';

export interface RouterDeps {
  store: KeyValueStore;
  defaultApiUrl: string;
  fetch?: typeof fetch;
  /** browser.identity.launchWebAuthFlow in the extension, a fake in unit tests; without it Google sign-in answers NOT_AVAILABLE. */
  launchWebAuthFlow?: (url: string) => Promise<string | undefined>;
  redirectUrl?: string;
  /** browser.runtime.openOptionsPage in the extension; absent in unit tests. */
  openOptions?: () => Promise<void>;
  /** Which tabs are still open on Gmail (browser.tabs.get); a host report of any other tab is dropped. */
  liveGmailTabs?: LiveGmailTabs;
}

/** Where a message came from: the tab of the content script that sent it, if any. */
export interface MessageFrom { tabId?: number }

/** Bodies of routes whose contract is not in shared/contracts yet: shown as the API sends them. */
const passthrough = z.unknown();

type Handlers = { [K in RuntimeMessageType]: (msg: RuntimeRequest<K>, deps: RouterDeps, from: MessageFrom) => Promise<RuntimeResult<RuntimeAnswers[K]>> };

/**
 * Answers one parsed runtime message with the answer type `shared/messages.ts` maps it
 * to. Stateless: everything it needs is read from the store on each call, because the
 * service worker can die between any two messages.
 */
export function handleMessage<M extends RuntimeMessage>(msg: M, deps: RouterDeps, from: MessageFrom = {}): Promise<RuntimeResult<RuntimeAnswers[M['type']]>> {
  return (handlers[msg.type] as (msg: M, deps: RouterDeps, from: MessageFrom) => Promise<RuntimeResult<RuntimeAnswers[M['type']]>>)(msg, deps, from);
}

const handlers: Handlers = {
  'session.get': async (_msg, { store, defaultApiUrl, liveGmailTabs }) => {
    const [settings, session, host] = await Promise.all([readSettings(store, defaultApiUrl), readSession(store), currentHostStatus(store, liveGmailTabs)]);
    return ok({ apiUrl: settings.apiUrl, session: session ?? null, host: host ?? null });
  },
  'settings.setApiUrl': async (msg, { store }) => {
    await store.set({ [SETTINGS_KEY]: { apiUrl: new URL(msg.apiUrl).origin } });
    return ok({ apiUrl: new URL(msg.apiUrl).origin });
  },
  'session.sandboxLogin': async (msg, deps) => {
    const api = await client(deps, false);
    const res = await api.request({ method: 'POST', path: '/api/auth/sandbox-login', body: { email: msg.email, ...(msg.name ? { name: msg.name } : {}) }, schema: sessionResponse });
    if (res.ok) await deps.store.set({ [SESSION_KEY]: res.data });
    return res;
  },
  'session.googleLogin': (_msg, deps) => googleLogin(deps),
  'session.logout': async (_msg, deps) => {
    const api = await client(deps);
    // Sign out locally whatever the API says: the token is forgotten either way.
    const res = await api.request({ method: 'POST', path: '/api/auth/logout', schema: passthrough });
    await deps.store.remove(SESSION_KEY);
    return ok({ signedOut: true, apiAnswered: res.ok });
  },
  'host.report': async (msg, { store }, { tabId }) => {
    await recordHostReport(store, tabId, msg);
    return ok(null);
  },
  'draft.changed': (_msg, deps) => syncDrafts(deps, false),
  // The network came back (the content script's `online`): skip the backoff, for drafts and Gmail send reports alike.
  'sync.now': async (_msg, deps) => {
    const [drafts] = await Promise.all([syncDrafts(deps, true), retryManualSends(deps)]);
    return drafts;
  },
  'dashboard.get': async (msg, deps) => {
    const api = await client(deps);
    const scope = `scope=${msg.scope ?? 'workspace'}`;
    // Each section answers on its own: one missing endpoint leaves the others on screen.
    const [stats, timeline, mailboxes, campaigns, emails, momentum, replies] = await Promise.all([
      api.request({ path: `/api/dashboard/stats?days=${msg.days}&${scope}`, schema: statsResponse }),
      api.request({ path: `/api/dashboard/timeline?days=${msg.days}&${scope}${msg.tz ? `&tz=${encodeURIComponent(msg.tz)}` : ''}`, schema: timelineResponse }),
      api.request({ path: '/api/mailboxes', schema: paginationSchema(mailboxSchema) }),
      api.request({ path: `/api/dashboard/campaigns?days=${msg.days}&limit=20`, schema: paginationSchema(campaignFiguresSchema) }),
      api.request({ path: `/api/emails?limit=5&${scope}`, schema: paginationSchema(emailSchema) }),
      api.request({ path: `/api/dashboard/momentum?${scope}`, schema: momentumResponse }),
      api.request({ path: `/api/replies?limit=50&${scope}`, schema: replyListResponse }),
    ]);
    // Each recent email's real latest state (bounced, replied, opened by a person), not only its send status.
    const recent = emails.ok
      ? ok({
          ...emails.data,
          data: await Promise.all(
            emails.data.data.map(async (e) => {
              const t = await api.request({ path: `/api/emails/${encodeURIComponent(e.id)}/events?limit=1`, schema: emailTimelineResponse });
              return t.ok ? { ...e, figures: t.data.figures } : e;
            }),
          ),
        })
      : emails;
    return ok({ stats, timeline, mailboxes, campaigns, recent, momentum, replies });
  },
  'mailboxes.list': async (_msg, deps) => (await client(deps)).request({ path: '/api/mailboxes', schema: paginationSchema(mailboxSchema) }),
  'campaigns.list': async (_msg, deps) => (await client(deps)).request({ path: '/api/campaigns?limit=100', schema: campaignListResponse }),
  'campaign.addLead': async (msg, deps) => addLead(await client(deps), msg.campaignId, msg.email),
  'campaign.lead': async (msg, deps) => {
    const path = `/api/campaigns/${encodeURIComponent(msg.campaignId)}/leads?prospectId=${encodeURIComponent(msg.prospectId)}&limit=1`;
    const res = await (await client(deps)).request({ path, schema: leadListResponse });
    return res.ok ? ok({ lead: res.data.data[0] ?? null }) : res;
  },
  'campaign.lead.setRunning': async (msg, deps) => {
    const path = `/api/campaigns/${encodeURIComponent(msg.campaignId)}/leads/${encodeURIComponent(msg.leadId)}/${msg.running ? 'resume' : 'pause'}`;
    return (await client(deps)).request({ method: 'POST', path, schema: leadSchema });
  },
  // The server applies the rule (normalized address, or the marker an erase left), as the send will.
  'suppression.check': async (msg, deps) => (await client(deps)).request({ path: `/api/suppressions/lookup?email=${encodeURIComponent(msg.email)}`, schema: lookupSuppressionResponse }),
  'templates.list': async (_msg, deps) => (await client(deps)).request({ path: '/api/templates?limit=100', schema: templateListResponse }),
  'prospect.lookup': async (msg, deps) => (await client(deps)).request({ path: `/api/prospects/lookup?email=${encodeURIComponent(msg.email)}`, schema: lookupProspectResponse }),
  'ai.run': async (msg, deps) => (await client(deps)).request({ method: 'POST', path: `/api/ai/${msg.action}`, body: msg.input, schema: suggestionResponse }),
  'email.send': async (msg, deps) =>
    (await client(deps)).request({
      method: 'POST',
      path: '/api/emails/send',
      headers: { 'idempotency-key': msg.idempotencyKey },
      body: msg.payload,
      schema: sendEmailResponse,
    }),
  'thread.emails': async (msg, deps) => (await client(deps)).request({ path: `/api/emails?threadId=${encodeURIComponent(msg.threadId)}`, schema: paginationSchema(emailSchema) }),
  'email.get': async (msg, deps) => (await client(deps)).request({ path: `/api/emails/${encodeURIComponent(msg.emailId)}`, schema: emailSchema }),
  'email.cancel': async (msg, deps) => (await client(deps)).request({ method: 'POST', path: `/api/emails/${encodeURIComponent(msg.emailId)}/cancel`, schema: emailSchema }),
  // Asked before sign-in too (the options page): no token needed.
  'capabilities.get': async (_msg, deps) => (await client(deps, false)).request({ path: '/api/capabilities', schema: capabilitiesResponse }),
  'options.open': async (_msg, deps) => {
    if (!deps.openOptions) return { ok: false, error: { code: 'NOT_AVAILABLE', message: 'Open Lumina’s options from the extensions menu.' } };
    await deps.openOptions();
    return ok(null);
  },
  'email.events': async (msg, deps) => (await client(deps)).request({ path: `/api/emails/${encodeURIComponent(msg.emailId)}/events`, schema: emailTimelineResponse }),
  'tracking.selfView': async (msg, deps) => (await client(deps)).request({ method: 'POST', path: '/api/tracking/self-view', body: { threadId: msg.threadId }, schema: selfViewResponse }),
  'manualSend.report': (msg, deps) => reportManualSend(msg, deps),
  'replies.observed': async (msg, deps) => (await client(deps)).request({ method: 'POST', path: '/api/replies/observed', body: msg.report, schema: observedReplyResponse }),
};

/**
 * A Gmail send the content script saw goes to the rep's own mailbox: the one of the tab's Gmail
 * account, else the rep's only one. It goes into the outbox first, so a failed post is kept and
 * retried (with the reports still waiting, which this one's arrival wakes); the API counts it once
 * by its Gmail id, so asking again is safe.
 */
async function reportManualSend(msg: RuntimeRequest<'manualSend.report'>, deps: RouterDeps): Promise<RuntimeResult<RuntimeAnswers['manualSend.report']>> {
  await queueManualSend(deps.store, { ...(msg.account ? { account: msg.account } : {}), report: msg.report });
  const results = await flushManualSends({ store: deps.store, api: await client(deps), session: await readSession(deps.store), retryNow: true });
  return results.get(msg.report.gmailMessageId) ?? { ok: false, error: { code: 'QUEUED', message: 'Already on its way to Lumina.' } };
}

async function retryManualSends(deps: RouterDeps) {
  const session = await readSession(deps.store);
  if (session) await flushManualSends({ store: deps.store, api: await client(deps), session, retryNow: true });
}

async function syncDrafts(deps: RouterDeps, retryNow: boolean): Promise<RuntimeResult<RuntimeAnswers['sync.now']>> {
  const session = await readSession(deps.store);
  if (!session) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Sign in to sync drafts; they stay saved on this computer.' } };
  return ok(await syncDirtyDrafts({ store: deps.store, api: await client(deps), retryNow }));
}

/** A sequence takes prospects, not addresses: find the recipient's record, or create it. */
async function addLead(api: ApiClient, campaignId: string, email: string): Promise<RuntimeResult<RuntimeAnswers['campaign.addLead']>> {
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
async function googleLogin(deps: RouterDeps): Promise<RuntimeResult<RuntimeAnswers['session.googleLogin']>> {
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
