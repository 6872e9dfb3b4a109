import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../../context';
import type { Db } from '../../../../db/client';
import { emailEvents } from '../../../../db/schema';
import type { InboundClassification, InboundEventData } from '../../../../shared/contracts/replies';
import { classifyInbound } from './classify/classify';
import { UnparseableMessageError } from './classify/parse';
import { applyEffect, type EffectKind } from './effects';
import { aiReplyRefiner } from './ai-refine';
import { matchInbound, messageIdsIn, type InboundRef } from './match';
import { stripNul } from '../../../../shared/contracts/strings';

export interface InboundMessage extends InboundRef {
  /** The raw RFC 822 message (full mode), or a reconstruction of what the extension saw (light mode). */
  raw: string | Uint8Array;
  /** Gmail's id of the message, kept beside the event. */
  providerMessageId?: string | null;
  subject?: string | null;
  snippet?: string | null;
}

export type IngestStatus = 'recorded' | 'duplicate' | 'own_message' | 'unmatched' | 'ignored';

export interface IngestResult {
  status: IngestStatus;
  kind?: InboundClassification['kind'];
  emailId?: string;
  resumeAt?: string;
}

const EFFECT: Partial<Record<InboundClassification['kind'], EffectKind>> = {
  reply: 'reply',
  auto_reply: 'auto_reply',
  bounce: 'bounce',
  complaint: 'complaint',
  unsubscribe_request: 'unsubscribe',
};

/**
 * One inbound message, from the sync worker (full mode) or the extension (light mode):
 * classify, match to the email it answers, and apply the effect. Safe to repeat: the
 * event's dedupe key is the message's own id. An ambiguous human reply gets the AI
 * classifier's second opinion when a provider is configured.
 */
export async function ingestInbound(deps: Pick<Deps, 'db' | 'queue' | 'logger' | 'config'>, workspaceId: string, inbound: InboundMessage): Promise<IngestResult> {
  // Inbound mail is anyone's to write: a NUL in it is dropped (Postgres cannot store one), never fatal.
  const msg = withoutNuls(inbound);
  const text = typeof msg.raw === 'string' ? msg.raw : Buffer.from(msg.raw).toString('latin1');
  let classification: InboundClassification;
  try {
    classification = await classifyInbound(msg.raw, { refine: aiReplyRefiner(deps) });
  } catch (err) {
    if (err instanceof UnparseableMessageError) return { status: 'ignored' };
    throw err;
  }
  const kind = classification.kind;
  const effect = EFFECT[kind];
  if (!effect) return { status: 'ignored', kind };

  // A bounce comes from the mailer daemon, outside the thread: it cites the returned message instead.
  const match = await matchInbound(deps.db, workspaceId, {
    ...msg,
    from: kind === 'bounce' || kind === 'complaint' ? null : msg.from,
    quotedMessageIds: kind === 'bounce' || kind === 'complaint' ? messageIdsIn(text) : [],
  });
  if (match.status !== 'matched') return { status: match.status, kind };

  const key = msg.messageId?.trim() || msg.providerMessageId;
  if (!key) return { status: 'ignored', kind };
  // The same message through both doors (the sync keys it by Message-ID, the extension,
  // which cannot read that header, by Gmail's id) is one fact, not two.
  if (msg.providerMessageId && (await seenByGmailId(deps.db, match.email.id, msg.providerMessageId))) {
    return { status: 'duplicate', kind, emailId: match.email.id };
  }
  const result = await applyEffect(deps, {
    kind: effect,
    email: match.email,
    dedupeKey: `inbound:${key}`,
    occurredAt: msg.date ?? new Date(),
    bounce: classification.bounce,
    returnDate: classification.returnDate ? new Date(classification.returnDate) : null,
    data: eventData(msg, classification),
  });
  return {
    status: result.recorded ? 'recorded' : 'duplicate',
    kind,
    emailId: match.email.id,
    ...(result.resumeAt ? { resumeAt: result.resumeAt.toISOString() } : {}),
  };
}

/** What the event records of the message and of the classifier's reading (`inboundEventDataSchema`). */
function eventData(msg: InboundMessage, c: InboundClassification): InboundEventData {
  return {
    inboundMessageId: msg.messageId ?? null,
    providerMessageId: msg.providerMessageId ?? null,
    threadId: msg.threadId ?? null,
    from: msg.from ?? null,
    subject: msg.subject ?? null,
    snippet: msg.snippet?.slice(0, 300) ?? null,
    classified: c.kind,
    ...(c.meaning ? { meaning: c.meaning } : {}),
    ...(c.referral ? { referral: c.referral } : {}),
    ...(c.followUpDate ? { followUpDate: c.followUpDate } : {}),
    ...(c.bounce ? { bounce: c.bounce } : {}),
    ...(c.returnDate ? { returnDate: c.returnDate } : {}),
  };
}

async function seenByGmailId(db: Db, emailId: string, providerMessageId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: emailEvents.id })
    .from(emailEvents)
    .where(and(eq(emailEvents.emailId, emailId), sql`${emailEvents.data}->>'providerMessageId' = ${providerMessageId}`))
    .limit(1);
  return Boolean(row);
}

function withoutNuls(msg: InboundMessage): InboundMessage {
  const out = { ...msg } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (typeof v === 'string') out[k] = stripNul(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === 'string' ? stripNul(x) : x));
  }
  return out as unknown as InboundMessage;
}
