import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { createAdaptorServer } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { gmail_v1, oauth2_v2 } from 'googleapis';
import { createStore, matchesQuery, toGmailMessage, type Account, type MessageFormat, type StoredMessage } from './store';
import { buildAutoReply, buildBounce, buildReply, type AutoReplyInput, type BounceInput, type ReplyInput } from './inbound';
import { headerValue } from './mime-tree';

/**
 * The Gmail emulator: a real HTTP server speaking the subset of the Gmail API and of
 * Google's OAuth endpoints that Lumina uses. googleapis reaches it through `rootUrl`
 * (and the OAuth2 client through `endpoints`), so the code under test cannot tell it
 * from Google. Answers are typed as googleapis' own `gmail_v1.Schema$*`.
 *
 * Paths mirror Google's: `/gmail/v1/users/{userId}/…`, `/oauth2/v2/userinfo`, `/token`,
 * `/o/oauth2/v2/auth` (consent). `/__control/…` mirrors the in-process control API for
 * callers in another process.
 */
export interface GmailEmulatorOptions {
  port?: number;
  host?: string;
  /** How many history records each mailbox keeps; older start ids answer 404. Default: all. */
  historyRetention?: number;
  /** Lifetime of issued access tokens. Default 3600 s. */
  accessTokenTtlSeconds?: number;
  /** When set, the token endpoint checks the client's credentials. */
  clientId?: string;
  clientSecret?: string;
  /**
   * Makes issued tokens self-describing and signed with this secret, so a restarted emulator
   * (state is in memory) still honours tokens a database kept. The sandbox runtime sets it.
   */
  tokenSecret?: Buffer;
}

export const emulatorEndpoints = [
  'users.getProfile',
  'messages.send',
  'messages.get',
  'messages.list',
  'threads.get',
  'history.list',
  'labels.list',
  'token',
  'userinfo',
] as const;
export type EmulatorEndpoint = (typeof emulatorEndpoints)[number];

const G = 'https://www.googleapis.com/auth/';
const READ = ['https://mail.google.com/', `${G}gmail.modify`, `${G}gmail.readonly`];
/**
 * The scopes Google accepts per method (any one will do), as its API reference lists them:
 * a light-mode grant (gmail.send) may send and nothing else, so a test sees what Google does.
 */
const SCOPES_FOR: Partial<Record<EmulatorEndpoint, string[]>> = {
  'users.getProfile': [...READ, `${G}gmail.compose`, `${G}gmail.metadata`],
  'messages.send': ['https://mail.google.com/', `${G}gmail.modify`, `${G}gmail.compose`, `${G}gmail.send`],
  'messages.get': READ,
  'messages.list': READ,
  'threads.get': READ,
  'history.list': [...READ, `${G}gmail.metadata`],
  'labels.list': [...READ, `${G}gmail.labels`, `${G}gmail.metadata`],
};
/** What issueTokens grants unless told otherwise: a full-mode mailbox (send and read). */
const FULL_SCOPE = `${G}gmail.send ${G}gmail.readonly openid email profile`;

export type Fault =
  | { kind: 'rate_limit'; retryAfterSeconds?: number; status?: 429 | 403 }
  | { kind: 'server_error'; status?: 500 | 502 | 503 }
  | { kind: 'hang' }
  | { kind: 'invalid_grant' }
  | { kind: 'unauthorized' };

export interface FaultOptions {
  /** How many calls in a row get the fault. Default 1. */
  times?: number;
  /** messages.send only: store (deliver) the message, then fail the answer — an unknown outcome. */
  afterCommit?: boolean;
}

/** What a sent message looks like to a test or to the sandbox page. */
export interface SentMessage {
  id: string;
  threadId: string;
  mailbox: string;
  to: string;
  subject: string;
  messageId: string;
  internalDate: number;
  /** The RFC 822 text exactly as the client sent it. */
  raw: string;
}

export interface TokenSet {
  access_token: string;
  refresh_token: string;
  expiry_date: number;
  scope: string;
  token_type: 'Bearer';
}

export interface GmailEmulator {
  url: string;
  control: EmulatorControl;
  close(): Promise<void>;
}

export type EmulatorControl = ReturnType<typeof createGmailEmulatorApp>['control'];

export async function startGmailEmulator(options: GmailEmulatorOptions = {}): Promise<GmailEmulator> {
  const { app, control, releaseHangs } = createGmailEmulatorApp(options);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url,
    control,
    async close() {
      releaseHangs();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The emulator as a Hono app plus its control API, for mounting or serving. */
export function createGmailEmulatorApp(options: GmailEmulatorOptions = {}) {
  const store = createStore({ historyRetention: options.historyRetention });
  const ttl = options.accessTokenTtlSeconds ?? 3600;
  const codes = new Map<string, { email: string; scope: string; clientId: string; redirectUri: string; offline: boolean }>();
  const accessTokens = new Map<string, { email: string; scope: string; expiresAt: number }>();
  const refreshTokens = new Map<string, { email: string; scope: string; revoked: boolean }>();
  const faults: Array<{ endpoint: EmulatorEndpoint | '*'; fault: Fault; remaining: number; afterCommit: boolean }> = [];
  const callCounts = new Map<EmulatorEndpoint, number>();
  const hangs = new Set<() => void>();
  const idTokenSecret = randomBytes(32);
  let consentIdentity: { email: string; name?: string } | undefined;

  function issue(email: string, scope: string, withRefresh = true, expiresInSeconds = ttl) {
    const expiresAt = Date.now() + expiresInSeconds * 1000;
    const access = `ya29.emu-${tokenBody({ email, scope, expiresAt })}`;
    accessTokens.set(access, { email, scope, expiresAt });
    const refresh = withRefresh ? `1//emu-${tokenBody({ email, scope })}` : undefined;
    if (refresh) refreshTokens.set(refresh, { email, scope, revoked: false });
    return { access, refresh, expiresIn: expiresInSeconds };
  }

  function tokenBody(claims: { email: string; scope: string; expiresAt?: number }) {
    const nonce = randomBytes(18).toString('base64url');
    if (!options.tokenSecret) return nonce;
    const payload = Buffer.from(JSON.stringify({ ...claims, nonce })).toString('base64url');
    return `${payload}.${createHmac('sha256', options.tokenSecret).update(payload).digest('base64url')}`;
  }

  /** A token this emulator issued: remembered, or (with tokenSecret) signed by it before a restart. */
  function claimsOf<T>(token: string, prefix: string, remembered: Map<string, T>, revive: (c: { email: string; scope: string; expiresAt?: number }) => T): T | undefined {
    const known = remembered.get(token);
    if (known || !options.tokenSecret || !token.startsWith(prefix)) return known;
    const [payload, mac] = token.slice(prefix.length).split('.');
    if (!payload || !mac || createHmac('sha256', options.tokenSecret).update(payload).digest('base64url') !== mac) return undefined;
    const revived = revive(JSON.parse(Buffer.from(payload, 'base64url').toString()));
    remembered.set(token, revived);
    return revived;
  }
  const accessGrant = (token: string) => claimsOf(token, 'ya29.emu-', accessTokens, (c) => ({ email: c.email, scope: c.scope, expiresAt: c.expiresAt ?? 0 }));
  const refreshGrant = (token: string) => claimsOf(token, '1//emu-', refreshTokens, (c) => ({ email: c.email, scope: c.scope, revoked: false }));

  function takeFault(endpoint: EmulatorEndpoint) {
    callCounts.set(endpoint, (callCounts.get(endpoint) ?? 0) + 1);
    const entry = faults.find((f) => (f.endpoint === endpoint || f.endpoint === '*') && f.remaining > 0);
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) faults.splice(faults.indexOf(entry), 1);
    return entry;
  }

  async function answerFault(c: Context, fault: Fault) {
    switch (fault.kind) {
      case 'rate_limit': {
        const status = fault.status ?? 429;
        if (fault.retryAfterSeconds !== undefined) c.header('Retry-After', String(fault.retryAfterSeconds));
        return googleError(c, status, status === 429 ? 'Too many concurrent requests for user.' : 'User-rate limit exceeded.', status === 429 ? 'rateLimitExceeded' : 'userRateLimitExceeded', 'RESOURCE_EXHAUSTED');
      }
      case 'server_error':
        return googleError(c, fault.status ?? 500, 'Internal error encountered.', 'backendError', 'INTERNAL');
      case 'hang':
        await new Promise<void>((resolve) => {
          const release = () => {
            hangs.delete(release);
            resolve();
          };
          hangs.add(release);
          c.req.raw.signal.addEventListener('abort', release, { once: true });
        });
        return googleError(c, 503, 'The emulator was closed during a scripted hang.', 'backendError', 'UNAVAILABLE');
      case 'invalid_grant':
        return c.json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 400);
      case 'unauthorized':
        return unauthenticated(c);
    }
  }

  /** Runs a Gmail endpoint: scripted fault, then the bearer token, then the handler. */
  function gmailRoute(endpoint: EmulatorEndpoint, handler: (c: Context, acc: Account) => Response | Promise<Response>) {
    return async (c: Context) => {
      const scripted = takeFault(endpoint);
      if (scripted && !scripted.afterCommit) return answerFault(c, scripted.fault);
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      const grant = token ? accessGrant(token) : undefined;
      if (!grant || grant.expiresAt <= Date.now()) return unauthenticated(c);
      const userId = c.req.param('userId');
      if (userId !== undefined && userId !== 'me' && userId.toLowerCase() !== grant.email) return googleError(c, 403, 'Delegation denied for ' + grant.email, 'forbidden', 'PERMISSION_DENIED');
      const allowed = SCOPES_FOR[endpoint];
      if (allowed && !grant.scope.split(' ').some((s) => allowed.includes(s))) return googleError(c, 403, 'Request had insufficient authentication scopes.', 'insufficientPermissions', 'PERMISSION_DENIED');
      const res = await handler(c, store.account(grant.email));
      return scripted ? answerFault(c, scripted.fault) : res;
    };
  }

  const app = new Hono();
  const users = '/gmail/v1/users/:userId';

  app.get(`${users}/profile`, gmailRoute('users.getProfile', (c, acc) => {
    const threads = new Set([...acc.messages.values()].map((m) => m.threadId));
    const profile: gmail_v1.Schema$Profile = { emailAddress: acc.email, messagesTotal: acc.messages.size, threadsTotal: threads.size, historyId: String(store.currentHistoryId()) };
    return c.json(profile);
  }));

  app.post(`${users}/messages/send`, gmailRoute('messages.send', async (c, acc) => {
    const body = (await c.req.json().catch(() => ({}))) as gmail_v1.Schema$Message;
    if (!body.raw) return googleError(c, 400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required", 'invalidArgument', 'INVALID_ARGUMENT');
    const raw = Buffer.from(body.raw, 'base64url');
    if (!headerValue(raw, 'to') && !headerValue(raw, 'cc') && !headerValue(raw, 'bcc')) return googleError(c, 400, 'Invalid To header', 'invalidArgument', 'INVALID_ARGUMENT');
    if (body.threadId && ![...acc.messages.values()].some((m) => m.threadId === body.threadId)) return googleError(c, 404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
    const stored = store.addMessage(acc, withGmailHeaders(raw, acc.email), ['SENT'], body.threadId ?? undefined);
    const answer: gmail_v1.Schema$Message = { id: stored.id, threadId: stored.threadId, labelIds: stored.labelIds };
    return c.json(answer);
  }));

  app.get(`${users}/messages`, gmailRoute('messages.list', (c, acc) => {
    const q = c.req.query('q') ?? '';
    const labelIds = c.req.queries('labelIds') ?? [];
    let list = [...acc.messages.values()].sort(newestFirst);
    for (const m of list) {
      const verdict = matchesQuery(m, q);
      if (typeof verdict === 'object') return googleError(c, 400, `The Gmail emulator does not support the query term "${verdict.unsupported}"`, 'invalidArgument', 'INVALID_ARGUMENT');
    }
    list = list.filter((m) => matchesQuery(m, q) === true && labelIds.every((l) => m.labelIds.includes(l)));
    const { page, nextPageToken } = paginate(list, c.req.query('maxResults'), c.req.query('pageToken'), 100, 500);
    const answer: gmail_v1.Schema$ListMessagesResponse = {
      ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      ...(nextPageToken ? { nextPageToken } : {}),
      resultSizeEstimate: list.length,
    };
    return c.json(answer);
  }));

  app.get(`${users}/messages/:id`, gmailRoute('messages.get', (c, acc) => {
    const m = acc.messages.get(c.req.param('id')!);
    if (!m) return googleError(c, 404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
    return c.json(toGmailMessage(m, messageFormat(c.req.query('format')), c.req.queries('metadataHeaders') ?? []));
  }));

  app.get(`${users}/threads/:id`, gmailRoute('threads.get', (c, acc) => {
    const messages = [...acc.messages.values()].filter((m) => m.threadId === c.req.param('id')).sort((a, b) => a.internalDate - b.internalDate || a.historyId - b.historyId);
    if (!messages.length) return googleError(c, 404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
    const format = messageFormat(c.req.query('format'));
    const thread: gmail_v1.Schema$Thread = {
      id: c.req.param('id'),
      historyId: String(Math.max(...messages.map((m) => m.historyId))),
      messages: messages.map((m) => toGmailMessage(m, format === 'raw' ? 'full' : format, c.req.queries('metadataHeaders') ?? [])),
    };
    return c.json(thread);
  }));

  app.get(`${users}/history`, gmailRoute('history.list', (c, acc) => {
    const start = Number(c.req.query('startHistoryId'));
    if (!Number.isInteger(start) || start <= 0) return googleError(c, 400, 'Invalid startHistoryId', 'invalidArgument', 'INVALID_ARGUMENT');
    if (start < acc.historyFloor) return googleError(c, 404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND');
    const labelId = c.req.query('labelId');
    const types = c.req.queries('historyTypes') ?? [];
    const records = types.length && !types.includes('messageAdded') ? [] : acc.history.filter((h) => h.id > start && (!labelId || h.message.labelIds.includes(labelId)));
    const { page, nextPageToken } = paginate(records, c.req.query('maxResults'), c.req.query('pageToken'), 100, 500);
    const history: gmail_v1.Schema$History[] = page.map((h) => ({
      id: String(h.id),
      messages: [{ id: h.message.id, threadId: h.message.threadId }],
      messagesAdded: [{ message: { id: h.message.id, threadId: h.message.threadId, labelIds: [...h.message.labelIds] } }],
    }));
    const answer: gmail_v1.Schema$ListHistoryResponse = { ...(history.length ? { history } : {}), historyId: String(store.currentHistoryId()), ...(nextPageToken ? { nextPageToken } : {}) };
    return c.json(answer);
  }));

  app.get(`${users}/labels`, gmailRoute('labels.list', (c) => {
    const answer: gmail_v1.Schema$ListLabelsResponse = {
      labels: ['INBOX', 'SENT', 'UNREAD', 'IMPORTANT', 'STARRED', 'DRAFT', 'SPAM', 'TRASH'].map((id) => ({ id, name: id, type: 'system', messageListVisibility: 'hide', labelListVisibility: 'labelHide' })),
    };
    return c.json(answer);
  }));

  app.get('/oauth2/v2/userinfo', gmailRoute('userinfo', (c, acc) => {
    const [given, ...family] = acc.name.split(' ');
    const info: oauth2_v2.Schema$Userinfo = { id: acc.sub, email: acc.email, verified_email: true, name: acc.name, given_name: given, family_name: family.join(' ') || undefined };
    return c.json(info);
  }));

  // Consent: no screen to click in a test, so it answers at once for `login_hint` (or the
  // identity set with control.consentAs); with neither, a one-field form asks for the address.
  app.get('/o/oauth2/v2/auth', (c) => {
    const q = c.req.query();
    const email = (q.login_hint ?? consentIdentity?.email)?.toLowerCase();
    if (!q.redirect_uri || !q.client_id) return c.text('Error 400: invalid_request (client_id and redirect_uri are required)', 400);
    if (!email) {
      const hidden = Object.entries(q).map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
      return c.html(`<!doctype html><title>Sign in – Gmail emulator</title><form method="get">${hidden}<label>Email <input name="login_hint" type="email" required></label> <button>Allow</button></form>`);
    }
    store.account(email, consentIdentity?.email === email ? consentIdentity.name : undefined);
    const code = `4/emu-${randomBytes(16).toString('base64url')}`;
    codes.set(code, { email, scope: q.scope ?? '', clientId: q.client_id, redirectUri: q.redirect_uri, offline: q.access_type === 'offline' });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state) target.searchParams.set('state', q.state);
    target.searchParams.set('scope', q.scope ?? '');
    return c.redirect(target.toString(), 302);
  });

  app.post('/token', async (c) => {
    const scripted = takeFault('token');
    if (scripted) return answerFault(c, scripted.fault);
    const form = new URLSearchParams(await c.req.text());
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString().split(':') : [];
    const clientId = form.get('client_id') ?? basicId;
    const clientSecret = form.get('client_secret') ?? basicSecret;
    if (!clientId || (options.clientId && (clientId !== options.clientId || clientSecret !== options.clientSecret))) {
      return c.json({ error: 'invalid_client', error_description: 'The OAuth client was not found.' }, 401);
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!grant || grant.clientId !== clientId || grant.redirectUri !== form.get('redirect_uri')) return c.json({ error: 'invalid_grant', error_description: 'Bad Request' }, 400);
      const t = issue(grant.email, grant.scope, grant.offline);
      const acc = store.account(grant.email);
      return c.json({
        access_token: t.access,
        expires_in: t.expiresIn,
        ...(t.refresh ? { refresh_token: t.refresh } : {}),
        scope: grant.scope,
        token_type: 'Bearer',
        ...(grant.scope.split(' ').includes('openid') ? { id_token: idToken(acc, clientId) } : {}),
      });
    }
    if (grantType === 'refresh_token') {
      const grant = refreshGrant(form.get('refresh_token') ?? '');
      if (!grant || grant.revoked) return c.json({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 400);
      const t = issue(grant.email, grant.scope, false);
      return c.json({ access_token: t.access, expires_in: t.expiresIn, scope: grant.scope, token_type: 'Bearer' });
    }
    return c.json({ error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${grantType}` }, 400);
  });

  // Google's revoke endpoint (https://oauth2.googleapis.com/revoke): either token of a grant
  // revokes the whole grant; an unknown token is `invalid_token`, as Google answers.
  app.post('/revoke', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const token = form.get('token') ?? c.req.query('token') ?? '';
    const grant = refreshGrant(token) ?? accessGrant(token);
    if (!grant) return c.json({ error: 'invalid_token', error_description: 'Token expired or revoked' }, 400);
    control.revokeGrant(grant.email);
    return c.body(null, 200);
  });

  function idToken(acc: Account, audience: string) {
    const now = Math.floor(Date.now() / 1000);
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: 'https://accounts.google.com', aud: audience, sub: acc.sub, email: acc.email, email_verified: true, name: acc.name, iat: now, exp: now + 3600 })}`;
    return `${body}.${createHmac('sha256', idTokenSecret).update(body).digest('base64url')}`;
  }

  function findSent(gmailId: string): { acc: Account; message: StoredMessage } {
    for (const acc of store.accounts.values()) {
      const message = acc.messages.get(gmailId);
      if (message) return { acc, message };
    }
    throw new Error(`the emulator holds no message ${gmailId}`);
  }

  async function inject(gmailId: string, build: (o: { raw: Buffer; mailbox: string }) => Promise<Buffer>) {
    const { acc, message } = findSent(gmailId);
    const raw = await build({ raw: message.raw, mailbox: acc.email });
    const stored = store.addMessage(acc, raw, ['INBOX', 'UNREAD'], message.threadId);
    return { id: stored.id, threadId: stored.threadId, raw: raw.toString('utf8') };
  }

  const control = {
    /** Creates the account when new and issues tokens as the OAuth flow would (full mode unless `scope` says otherwise). */
    issueTokens(email: string, opts: { name?: string; scope?: string; expiresInSeconds?: number } = {}): TokenSet {
      const acc = store.account(email, opts.name);
      const scope = opts.scope ?? FULL_SCOPE;
      const t = issue(acc.email, scope, true, opts.expiresInSeconds ?? ttl);
      return { access_token: t.access, refresh_token: t.refresh!, expiry_date: Date.now() + t.expiresIn * 1000, scope, token_type: 'Bearer' };
    },
    /** The identity the consent endpoint signs in when the URL carries no login_hint. */
    consentAs(email: string | undefined, name?: string) {
      consentIdentity = email ? { email: email.toLowerCase(), name } : undefined;
    },
    /** Every access token of the mailbox answers 401 from now on (forces a refresh). */
    expireAccessTokens(email: string) {
      for (const grant of accessTokens.values()) if (grant.email === email.toLowerCase()) grant.expiresAt = 0;
    },
    /** The user revoked access: refreshing answers `invalid_grant`, access tokens die. */
    revokeGrant(email: string) {
      for (const grant of refreshTokens.values()) if (grant.email === email.toLowerCase()) grant.revoked = true;
      control.expireAccessTokens(email);
    },
    fault(endpoint: EmulatorEndpoint | '*', fault: Fault, opts: FaultOptions = {}) {
      faults.push({ endpoint, fault, remaining: opts.times ?? 1, afterCommit: opts.afterCommit ?? false });
    },
    clearFaults() {
      faults.length = 0;
    },
    /** How many calls an endpoint has received (faulted ones included). */
    calls(endpoint: EmulatorEndpoint) {
      return callCounts.get(endpoint) ?? 0;
    },
    /** Messages the mailbox (or every mailbox) sent, oldest first, with their raw text. */
    sent(mailbox?: string): SentMessage[] {
      const accounts = mailbox ? [store.account(mailbox)] : [...store.accounts.values()];
      return accounts
        .flatMap((acc) => [...acc.messages.values()].filter((m) => m.labelIds.includes('SENT')).map((m) => describeSent(acc, m)))
        .sort((a, b) => a.internalDate - b.internalDate);
    },
    /** Any message of a mailbox in Gmail's shape. */
    message(gmailId: string, format: MessageFormat = 'full') {
      return toGmailMessage(findSent(gmailId).message, format);
    },
    injectReply: (sentId: string, input: ReplyInput) => inject(sentId, (o) => buildReply(o, input)),
    injectAutoReply: (sentId: string, input: AutoReplyInput = {}) => inject(sentId, (o) => buildAutoReply(o, input)),
    injectBounce: (sentId: string, input: BounceInput) => inject(sentId, (o) => buildBounce(o, input)),
    /** Delivers any raw message to a mailbox's inbox (optionally into a thread, or at an earlier `internalDate` in ms). */
    injectRaw(mailbox: string, raw: string | Buffer, opts: { threadId?: string; labelIds?: string[]; internalDate?: number } = {}) {
      const stored = store.addMessage(store.account(mailbox), Buffer.from(raw), opts.labelIds ?? ['INBOX', 'UNREAD'], opts.threadId, opts.internalDate);
      return { id: stored.id, threadId: stored.threadId };
    },
    /** Drops the mailbox's history: any earlier startHistoryId now answers 404. */
    expireHistory: (mailbox: string) => store.expireHistory(mailbox),
    historyId: () => String(store.currentHistoryId()),
  };

  mountControlRoutes(app, control);

  return {
    app,
    control,
    releaseHangs() {
      for (const release of [...hangs]) release();
    },
  };
}

/** `/__control/…`: the control API over HTTP, for a test whose emulator lives in another process. */
function mountControlRoutes(app: Hono, control: ReturnType<typeof createGmailEmulatorApp>['control']) {
  app.get('/__control/sent', (c) => c.json({ data: control.sent(c.req.query('mailbox')) }));
  app.post('/__control/tokens', async (c) => {
    const body = (await c.req.json()) as { email: string; name?: string; scope?: string; expiresInSeconds?: number };
    return c.json(control.issueTokens(body.email, body));
  });
  app.post('/__control/faults', async (c) => {
    const body = (await c.req.json()) as { endpoint: EmulatorEndpoint | '*'; fault: Fault } & FaultOptions;
    control.fault(body.endpoint, body.fault, body);
    return c.json({ ok: true });
  });
  app.delete('/__control/faults', (c) => {
    control.clearFaults();
    return c.json({ ok: true });
  });
  app.post('/__control/messages/:id/:kind{reply|auto-reply|bounce}', async (c) => {
    const id = c.req.param('id');
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    try {
      const kind = c.req.param('kind');
      const injected =
        kind === 'reply' ? await control.injectReply(id, body as unknown as ReplyInput)
        : kind === 'auto-reply' ? await control.injectAutoReply(id, body as AutoReplyInput)
        : await control.injectBounce(id, body as unknown as BounceInput);
      return c.json(injected);
    } catch (err) {
      return c.json({ error: (err as Error).message }, 404);
    }
  });
}

function describeSent(acc: Account, m: StoredMessage): SentMessage {
  return {
    id: m.id,
    threadId: m.threadId,
    mailbox: acc.email,
    to: headerValue(m.raw, 'to') ?? '',
    subject: headerValue(m.raw, 'subject') ?? '',
    messageId: headerValue(m.raw, 'message-id') ?? '',
    internalDate: m.internalDate,
    raw: m.raw.toString('utf8'),
  };
}

/** Gmail keeps the client's Message-ID and Date, and adds them when missing. */
function withGmailHeaders(raw: Buffer, email: string): Buffer {
  const extra: string[] = [];
  if (!headerValue(raw, 'message-id')) extra.push(`Message-ID: <${randomBytes(12).toString('hex')}@mail.gmail.com>`);
  if (!headerValue(raw, 'date')) extra.push(`Date: ${new Date().toUTCString()}`);
  if (!headerValue(raw, 'from')) extra.push(`From: ${email}`);
  return extra.length ? Buffer.concat([Buffer.from(extra.join('\r\n') + '\r\n'), raw]) : raw;
}

function googleError(c: Context, code: number, message: string, reason: string, status: string) {
  return c.json({ error: { code, message, errors: [{ message, domain: 'global', reason }], status } }, code as 400);
}

function unauthenticated(c: Context) {
  c.header('WWW-Authenticate', 'Bearer realm="https://accounts.google.com/", error="invalid_token"');
  return googleError(c, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'authError', 'UNAUTHENTICATED');
}

function paginate<T>(items: T[], maxResults: string | undefined, pageToken: string | undefined, def: number, max: number) {
  const size = Math.min(Math.max(Number(maxResults) || def, 1), max);
  const offset = Number(pageToken) || 0;
  const page = items.slice(offset, offset + size);
  return { page, nextPageToken: offset + size < items.length ? String(offset + size) : undefined };
}

function messageFormat(value: string | undefined): MessageFormat {
  return value === 'raw' || value === 'minimal' || value === 'metadata' ? value : 'full';
}

const newestFirst = (a: StoredMessage, b: StoredMessage) => b.internalDate - a.internalDate || b.historyId - a.historyId;
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
