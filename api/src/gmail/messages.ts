import type { gmail_v1 } from 'googleapis';

/**
 * The Gmail calls Lumina makes, one small function each, with the client as a parameter
 * (from gmailForMailbox). Workers call these, never `gmail.users.*` themselves, so what
 * Lumina asks of Google can be read on one page.
 */

export interface CallOptions {
  /** Per-call timeout; the client's own when absent. */
  timeoutMs?: number;
}

const callOptions = (o: CallOptions) => (o.timeoutMs === undefined ? undefined : { timeout: o.timeoutMs, retry: false });

export interface ProviderIds {
  id: string | null;
  threadId: string | null;
}

/** messages.send of a base64url RFC 822 message (from buildMime), in a thread when given. */
export async function sendRaw(gmail: gmail_v1.Gmail, message: { raw: string; threadId?: string | null }, o: CallOptions = {}): Promise<ProviderIds> {
  const res = await gmail.users.messages.send(
    { userId: 'me', requestBody: { raw: message.raw, ...(message.threadId ? { threadId: message.threadId } : {}) } },
    callOptions(o),
  );
  return { id: res.data.id ?? null, threadId: res.data.threadId ?? null };
}

/** The message carrying this Message-ID header (spam and trash included), if the mailbox has it. */
export async function findByMessageId(gmail: gmail_v1.Gmail, messageId: string, o: CallOptions = {}): Promise<ProviderIds | undefined> {
  const res = await gmail.users.messages.list(
    { userId: 'me', q: `rfc822msgid:${messageId.replace(/^<|>$/g, '')}`, includeSpamTrash: true, maxResults: 1 },
    callOptions(o),
  );
  const hit = res.data.messages?.[0];
  return hit ? { id: hit.id ?? null, threadId: hit.threadId ?? null } : undefined;
}

/**
 * Ids of messages added since `startHistoryId` (never our own sent copies or drafts) and the
 * new cursor, or undefined when Gmail no longer keeps that history id (404).
 */
export async function listHistory(gmail: gmail_v1.Gmail, startHistoryId: string): Promise<{ ids: string[]; sentIds: string[]; historyId: string } | undefined> {
  const ids = new Set<string>();
  const sentIds = new Set<string>();
  let pageToken: string | undefined;
  let historyId = startHistoryId;
  try {
    do {
      const res = await gmail.users.history.list({ userId: 'me', startHistoryId, historyTypes: ['messageAdded'], maxResults: 500, pageToken });
      for (const h of res.data.history ?? []) {
        for (const added of h.messagesAdded ?? []) {
          const labels = added.message?.labelIds ?? [];
          if (!added.message?.id || labels.includes('DRAFT')) continue;
          // Sent mail is never a reply; it is read apart, for the budget (mail the rep sent from Gmail).
          (labels.includes('SENT') ? sentIds : ids).add(added.message.id);
        }
      }
      historyId = res.data.historyId ?? historyId;
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return { ids: [...ids], sentIds: [...sentIds].filter((id) => !ids.has(id)), historyId };
}

/** The mailbox's current history id (users.getProfile). */
export async function getProfile(gmail: gmail_v1.Gmail): Promise<{ historyId: string; emailAddress: string | null }> {
  const profile = await gmail.users.getProfile({ userId: 'me' });
  return { historyId: String(profile.data.historyId), emailAddress: profile.data.emailAddress ?? null };
}

/** Ids in the inbox, newest first, up to `max` (paging as needed). */
export async function listInbox(gmail: gmail_v1.Gmail, max: number): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const res = await gmail.users.messages.list({ userId: 'me', q: 'in:inbox', maxResults: 100, pageToken });
    ids.push(...(res.data.messages ?? []).map((m) => m.id!).filter(Boolean));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken && ids.length < max);
  return ids.slice(0, max);
}

/**
 * Ids of messages in SENT since `sinceMs`, newest first, up to `max`: what the rep sent while the
 * history was out of reach. `after:` takes epoch seconds, the precise form (a date would be read
 * as midnight PST).
 */
export async function listSentSince(gmail: gmail_v1.Gmail, sinceMs: number, max: number): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const res = await gmail.users.messages.list({ userId: 'me', labelIds: ['SENT'], q: `after:${Math.floor(sinceMs / 1000)}`, maxResults: 100, pageToken });
    ids.push(...(res.data.messages ?? []).map((m) => m.id!).filter(Boolean));
    pageToken = res.data.nextPageToken ?? undefined;
  } while (pageToken && ids.length < max);
  return ids.slice(0, max);
}

/** One message in raw form, or undefined when it was deleted since it was listed (404). */
export async function getMessage(gmail: gmail_v1.Gmail, id: string): Promise<gmail_v1.Schema$Message | undefined> {
  try {
    return (await gmail.users.messages.get({ userId: 'me', id, format: 'raw' })).data;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; code?: number | string; response?: { status?: number } };
  return (e?.response?.status ?? e?.status ?? (typeof e?.code === 'number' ? e.code : undefined)) === 404;
}
