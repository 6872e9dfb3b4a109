import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { gmail_v1 } from 'googleapis';
import { headerValue, parsePayload, snippetOf } from './mime-tree';

/** One message as the emulator keeps it: the raw RFC 822 bytes are the truth. */
export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  raw: Buffer;
  internalDate: number;
  historyId: number;
}

interface HistoryRecord {
  id: number;
  message: StoredMessage;
}

export interface Account {
  email: string;
  name: string;
  /** Google's stable subject id for the user. */
  sub: string;
  messages: Map<string, StoredMessage>;
  /** Oldest history id history.list still answers for; older start ids get 404. */
  historyFloor: number;
  history: HistoryRecord[];
}

export type MessageFormat = 'full' | 'metadata' | 'minimal' | 'raw';

/** Mailboxes, messages and history of the emulator, in memory, keyed by address. */
export function createStore(options: { historyRetention?: number } = {}) {
  const accounts = new Map<string, Account>();
  // One counter for the whole emulator: every mailbox's ids only grow, as Gmail's do.
  let historyCounter = 1000;

  function account(email: string, name?: string): Account {
    const key = email.toLowerCase();
    let acc = accounts.get(key);
    if (!acc) {
      acc = { email: key, name: name ?? key.split('@')[0]!, sub: String(100000000000000000000n + BigInt(accounts.size + 1)), messages: new Map(), historyFloor: historyCounter, history: [] };
      accounts.set(key, acc);
    } else if (name && acc.name === key.split('@')[0]) acc.name = name;
    return acc;
  }

  /** `internalDate`: when Gmail received or sent it (ms), now unless a test places it in the past. */
  function addMessage(acc: Account, raw: Buffer, labelIds: string[], threadId?: string, internalDate = Date.now()): StoredMessage {
    const id = newId();
    const message: StoredMessage = { id, threadId: threadId ?? id, labelIds, raw, internalDate, historyId: ++historyCounter };
    acc.messages.set(id, message);
    acc.history.push({ id: message.historyId, message });
    const keep = options.historyRetention;
    if (keep !== undefined && acc.history.length > keep) {
      const dropped = acc.history.splice(0, acc.history.length - keep);
      acc.historyFloor = dropped[dropped.length - 1]!.id;
    }
    return message;
  }

  return {
    accounts,
    account,
    addMessage,
    currentHistoryId: () => historyCounter,
    /** Forget all history so far: any start id before now answers 404 ("expired history id"). */
    expireHistory(email: string) {
      const acc = account(email);
      acc.history = [];
      acc.historyFloor = historyCounter;
    },
  };
}

export type Store = ReturnType<typeof createStore>;

/** The message in the shape Gmail answers for the requested format. */
export function toGmailMessage(m: StoredMessage, format: MessageFormat = 'full', metadataHeaders: string[] = []): gmail_v1.Schema$Message {
  const payload = format === 'raw' || format === 'minimal' ? undefined : parsePayload(m.raw, format === 'full');
  const base: gmail_v1.Schema$Message = {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: snippetOf(parsePayload(m.raw, true)),
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
    sizeEstimate: m.raw.length,
  };
  if (format === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  if (format === 'minimal') return base;
  if (format === 'metadata') {
    const wanted = metadataHeaders.map((h) => h.toLowerCase());
    const headers = (payload!.headers ?? []).filter((h) => !wanted.length || wanted.includes(h.name!.toLowerCase()));
    return { ...base, payload: { partId: '', mimeType: payload!.mimeType, filename: '', headers, body: { size: 0 } } };
  }
  return { ...base, payload };
}

/** A `messages.list` query, the subset Lumina uses: rfc822msgid:, in:, label:, from:, to:, is:unread. */
export function matchesQuery(m: StoredMessage, q: string): boolean | { unsupported: string } {
  for (const term of q.trim().split(/\s+/).filter(Boolean)) {
    const [key, ...rest] = term.split(':');
    const value = rest.join(':').replace(/^"|"$/g, '');
    switch (key?.toLowerCase()) {
      case 'rfc822msgid':
        if (stripBrackets(headerValue(m.raw, 'message-id') ?? '') !== stripBrackets(value)) return false;
        break;
      case 'in':
        if (value.toLowerCase() !== 'anywhere' && !m.labelIds.includes(value.toUpperCase())) return false;
        break;
      case 'label':
        if (!m.labelIds.some((l) => l.toLowerCase() === value.toLowerCase())) return false;
        break;
      case 'is':
        if (value.toLowerCase() !== 'unread' || !m.labelIds.includes('UNREAD')) return false;
        break;
      case 'after':
      case 'before': {
        const at = searchInstant(value);
        if (at === undefined) return { unsupported: term };
        // after: is inclusive (a date means from its midnight), before: exclusive, as Gmail's.
        if (key!.toLowerCase() === 'after' ? m.internalDate < at : m.internalDate >= at) return false;
        break;
      }
      case 'from':
      case 'to':
        if (!(headerValue(m.raw, key) ?? '').toLowerCase().includes(value.toLowerCase())) return false;
        break;
      default:
        return { unsupported: term };
    }
  }
  return true;
}

/**
 * The instant of an after:/before: value, in ms. Gmail reads a date (2014/01/01, or with dashes)
 * as midnight in the PST time zone, and a number as seconds since the epoch — the precise form.
 */
function searchInstant(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!date) return undefined;
  const midnight = DateTime.fromObject({ year: Number(date[1]), month: Number(date[2]), day: Number(date[3]) }, { zone: 'America/Los_Angeles' });
  return midnight.isValid ? midnight.toMillis() : undefined;
}

/** Gmail ids: 16 lowercase hex digits. */
const newId = () => randomBytes(8).toString('hex');
const stripBrackets = (s: string) => s.trim().replace(/^<|>$/g, '').toLowerCase();
