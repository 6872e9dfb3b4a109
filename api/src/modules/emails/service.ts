import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { preparedQuery } from '../../../../db/prepared';
import { campaigns, drafts, emails, mailboxes, prospects, sendJobs } from '../../../../db/schema';
import type { Deps, SessionInfo } from '../../context';
import { ApiError, notFound } from '../../lib/api-error';
import { sha256 } from '../../lib/crypto';
import { clipWarnings } from '../../gmail/mime';
import { prospectVars, renderTemplate, type TemplateVars } from '../../../../shared/template-vars';
import type { Email, SendEmailRequest, SendEmailResponse } from '../../../../shared/contracts/emails';
import { isSuppressed, normalizeAddress } from '../suppressions/service';
import { enqueueSend } from '../../jobs/send.worker';

type EmailRow = typeof emails.$inferSelect;
type Sender = Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>;

/**
 * Accepts a send (DESIGN.md invariant 4): the email row and its send_jobs row are written in
 * one transaction before anything else happens, then the job is enqueued with id = email id.
 * The same key with the same body answers the first answer; with another body, 409.
 */
export async function acceptSend(deps: Deps, sender: Sender, idempotencyKey: string, body: SendEmailRequest): Promise<SendEmailResponse> {
  const { db } = deps;
  const requestHash = sha256(canonicalJson(body));
  // Independent reads, side by side; their verdicts are then taken in order, a replay first.
  const [replayR, suppressedR, mailboxR, prospectR, threadR, campaignR] = await Promise.allSettled([
    findByKey(db, sender.workspaceId, idempotencyKey),
    isSuppressed(db, sender.workspaceId, body.to),
    resolveMailbox(db, sender, body.mailboxId),
    resolveProspect(db, sender.workspaceId, body),
    threadHeaders(db, sender.workspaceId, body),
    body.campaignId ? mustExistCampaign(db, sender.workspaceId, body.campaignId) : Promise.resolve(),
  ]);
  const replay = valueOf(replayR);
  if (replay) return replayAnswer(replay, requestHash);
  if (valueOf(suppressedR)) throw new ApiError('RECIPIENT_SUPPRESSED', `${normalizeAddress(body.to)} is on the suppression list; nothing was queued`);
  const mailbox = valueOf(mailboxR);
  const prospect = valueOf(prospectR);
  valueOf(campaignR);
  const thread = valueOf(threadR);
  const rendered = renderSend(body, prospect ? prospectVars(prospect) : {});

  const id = crypto.randomUUID();
  const now = new Date();
  const dueAt = body.scheduledAt ? new Date(body.scheduledAt) : now;
  const inserted = await db.transaction(async (tx) => {
    // Issued together (postgres.js pipelines them on the transaction's connection: one round
    // trip, not three). The job and the tombstone are written only if the email row was —
    // a concurrent request with the same key may have won the insert.
    const emailInsert = tx
      .insert(emails)
      .values({
        id,
        workspaceId: sender.workspaceId,
        userId: sender.userId,
        mailboxId: mailbox.id,
        prospectId: prospect?.id ?? null,
        campaignId: body.campaignId ?? null,
        draftId: body.draftId ?? null,
        idempotencyKey,
        requestHash,
        to: normalizeAddress(body.to),
        fromAddress: mailbox.email,
        subject: rendered.subject,
        bodyHtml: rendered.bodyHtml,
        bodyText: rendered.bodyText,
        messageId: `<${id}@${mailbox.email.split('@')[1] ?? 'lumina.local'}>`,
        inReplyTo: thread.inReplyTo,
        references: thread.references,
        trackOpens: body.track?.opens ?? true,
        trackClicks: body.track?.clicks ?? true,
        scheduledAt: body.scheduledAt ? dueAt : null,
        threadId: body.threadId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing({ target: [emails.workspaceId, emails.idempotencyKey] })
      .returning();
    const ours = sql`exists (select 1 from ${emails} where ${emails.id} = ${id})`;
    const jobInsert = tx.execute(sql`
      insert into ${sendJobs} (workspace_id, email_id, idempotency_key, due_at)
      select ${sender.workspaceId}, ${id}, ${idempotencyKey}, ${dueAt.toISOString()}::timestamptz where ${ours}`);
    // A sent draft is done: its tombstone tells the author's other devices.
    const tombstone = body.draftId
      ? tx
          .update(drafts)
          .set({ deletedAt: now, updatedAt: now })
          .where(and(eq(drafts.workspaceId, sender.workspaceId), eq(drafts.userId, sender.userId), eq(drafts.id, body.draftId), ours))
      : undefined;
    const [[row]] = await Promise.all([emailInsert, jobInsert, tombstone]);
    return row; // undefined: a concurrent request with the same key won the insert
  });
  if (!inserted) return replayAnswer((await findByKey(db, sender.workspaceId, idempotencyKey))!, requestHash);

  // The row is durable: if the queue is down now, the sweeper enqueues it later.
  await enqueueSend(deps.queue, id, dueAt).catch((err) => deps.logger.warn({ err, emailId: id }, 'enqueue failed; the sweeper will pick the send up'));
  return firstAnswer(inserted);
}

export async function getEmail(db: Db, workspaceId: string, id: string): Promise<Email> {
  const [row] = await db
    .select({ email: emails, dueAt: sendJobs.dueAt })
    .from(emails)
    .leftJoin(sendJobs, eq(sendJobs.emailId, emails.id))
    .where(and(eq(emails.workspaceId, workspaceId), eq(emails.id, id)));
  if (!row) throw notFound('Email');
  return toEmail(row.email, row.dueAt);
}

export async function listEmails(db: Db, workspaceId: string, q: { threadId?: string; to?: string; status?: EmailRow['status']; page: number; limit: number }) {
  const where = and(
    eq(emails.workspaceId, workspaceId),
    q.threadId ? eq(emails.threadId, q.threadId) : undefined,
    q.to ? eq(emails.to, normalizeAddress(q.to)) : undefined,
    q.status ? eq(emails.status, q.status) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    db
      .select({ email: emails, dueAt: sendJobs.dueAt })
      .from(emails)
      .leftJoin(sendJobs, eq(sendJobs.emailId, emails.id))
      .where(where)
      .orderBy(desc(emails.createdAt), desc(emails.id))
      .limit(q.limit)
      .offset((q.page - 1) * q.limit),
    db.select({ n: count() }).from(emails).where(where),
  ]);
  return { rows: rows.map((r) => toEmail(r.email, r.dueAt)), total: total?.n ?? 0 };
}

/**
 * Cancels a send the worker has not claimed yet. The status guard in SQL settles the race
 * with a worker claiming at the same moment: exactly one of the two updates wins.
 */
export async function cancelEmail(deps: Deps, workspaceId: string, id: string): Promise<Email> {
  const { db } = deps;
  const cancelled = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(emails)
      .set({ status: 'CANCELLED', updatedAt: new Date() })
      .where(and(eq(emails.workspaceId, workspaceId), eq(emails.id, id), eq(emails.status, 'PENDING_SEND')))
      .returning({ id: emails.id });
    if (row) await tx.update(sendJobs).set({ state: 'cancelled', updatedAt: new Date() }).where(eq(sendJobs.emailId, id));
    return Boolean(row);
  });
  const email = await getEmail(db, workspaceId, id);
  if (!cancelled) throw new ApiError('CONFLICT', `The email is ${email.status} and can no longer be cancelled`, { status: email.status });
  await deps.queue.remove('send', id).catch(() => false); // saves the worker a wasted look; correctness is the status
  return email;
}

export function toEmail(row: EmailRow, dueAt: Date | null = null): Email {
  const open = row.status === 'PENDING_SEND' || row.status === 'SENDING';
  return {
    id: row.id,
    status: row.status,
    to: row.to,
    from: row.fromAddress,
    subject: row.subject,
    mailboxId: row.mailboxId,
    prospectId: row.prospectId,
    campaignId: row.campaignId,
    draftId: row.draftId,
    messageId: row.messageId,
    providerMessageId: row.providerMessageId,
    threadId: row.threadId,
    failureReason: row.failureReason,
    attempts: row.attempts,
    track: { opens: row.trackOpens, clicks: row.trackClicks },
    scheduledAt: row.scheduledAt?.toISOString() ?? null,
    nextAttemptAt: open && dueAt ? dueAt.toISOString() : null,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Stable JSON: keys sorted at every level, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function valueOf<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

// The reads every accept makes are prepared once (see db/prepared.ts). Parameters bind as text.
const ph = sql.placeholder;

const emailByKey = preparedQuery((db) =>
  db.select().from(emails).where(and(eq(emails.workspaceId, ph('workspaceId')), eq(emails.idempotencyKey, ph('key')))).limit(1).prepare('accept_email_by_key'),
);

function findByKey(db: Db, workspaceId: string, key: string) {
  return emailByKey(db).execute({ workspaceId, key }).then((rows) => rows[0]);
}

function replayAnswer(row: EmailRow, requestHash: string): SendEmailResponse {
  if (row.requestHash !== requestHash) {
    throw new ApiError('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used with a different body', { id: row.id });
  }
  return firstAnswer(row);
}

/** The 202 body; rebuilt from the stored row, so a replay answers byte for byte the same. */
function firstAnswer(row: EmailRow): SendEmailResponse {
  const warnings = clipWarnings(Buffer.byteLength(row.bodyHtml));
  return { id: row.id, status: 'PENDING_SEND', createdAt: row.createdAt.toISOString(), ...(warnings.length ? { warnings } : {}) };
}

/** The sender's own active mailbox, or a named one: their own, or any in the workspace for an admin. */
const mailboxQuery = (db: Db, by: 'id' | 'user') =>
  db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, ph('workspaceId')), by === 'id' ? eq(mailboxes.id, ph('id')) : eq(mailboxes.userId, ph('id'))))
    .orderBy(sql`${mailboxes.status} = 'active' desc`, mailboxes.createdAt)
    .limit(1)
    .prepare(`accept_mailbox_by_${by}`);
const mailboxById = preparedQuery((db) => mailboxQuery(db, 'id'));
const mailboxOfUser = preparedQuery((db) => mailboxQuery(db, 'user'));

async function resolveMailbox(db: Db, sender: Sender, mailboxId?: string) {
  const query = mailboxId ? mailboxById(db) : mailboxOfUser(db);
  const [mailbox] = await query.execute({ workspaceId: sender.workspaceId, id: mailboxId ?? sender.userId });
  if (!mailbox || (mailboxId && sender.role !== 'admin' && mailbox.userId !== sender.userId)) {
    if (mailboxId) throw notFound('Mailbox');
    throw new ApiError('UNPROCESSABLE', 'No mailbox is connected for you: connect Gmail (or use the sandbox) first');
  }
  if (mailbox.status !== 'active') {
    throw new ApiError('UNPROCESSABLE', `Mailbox ${mailbox.email} is ${mailbox.status === 'needs_reauth' ? 'waiting to be reconnected (its Google grant was revoked)' : 'disabled'}`);
  }
  return mailbox;
}

/** The named prospect, or the workspace's prospect with the recipient's address, for template variables. */
const prospectQuery = (db: Db, by: 'id' | 'email') =>
  db
    .select()
    .from(prospects)
    .where(and(eq(prospects.workspaceId, ph('workspaceId')), by === 'id' ? eq(prospects.id, ph('value')) : eq(prospects.email, ph('value'))))
    .limit(1)
    .prepare(`accept_prospect_by_${by}`);
const prospectById = preparedQuery((db) => prospectQuery(db, 'id'));
const prospectByEmail = preparedQuery((db) => prospectQuery(db, 'email'));

async function resolveProspect(db: Db, workspaceId: string, body: SendEmailRequest) {
  const query = body.prospectId ? prospectById(db) : prospectByEmail(db);
  const [row] = await query.execute({ workspaceId, value: body.prospectId ?? normalizeAddress(body.to) });
  if (!row && body.prospectId) throw notFound('Prospect');
  return row;
}

const campaignExists = preparedQuery((db) =>
  db.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.workspaceId, ph('workspaceId')), eq(campaigns.id, ph('id')))).limit(1).prepare('accept_campaign'),
);

async function mustExistCampaign(db: Db, workspaceId: string, id: string) {
  const rows = await campaignExists(db).execute({ workspaceId, id });
  if (rows.length === 0) throw notFound('Campaign');
}

/**
 * Fills `{{variables}}` from the prospect. Values going into HTML are escaped. A variable
 * with no value and no fallback would reach the prospect as `{{firstName}}`: refused.
 */
function renderSend(body: SendEmailRequest, vars: TemplateVars) {
  const subject = renderTemplate(body.subject, vars);
  const html = renderTemplate(body.bodyHtml, escapeVars(vars));
  const text = body.bodyText === undefined ? undefined : renderTemplate(body.bodyText, vars);
  const missing = [...new Set([...subject.missing, ...html.missing, ...(text?.missing ?? [])])];
  if (missing.length) {
    throw new ApiError('UNPROCESSABLE', `Template variables without a value: ${missing.join(', ')} (give a fallback like {{firstName|there}} or fill the prospect)`, { missing });
  }
  return { subject: subject.text, bodyHtml: html.text, bodyText: text?.text ?? null };
}

function escapeVars(vars: TemplateVars): TemplateVars {
  const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [
      k,
      typeof v === 'string' ? esc(v) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([ck, cv]) => [ck, esc(cv)])) : v,
    ]),
  );
}

const lastSentInThread = preparedQuery((db) =>
  db
    .select({ messageId: emails.messageId, references: emails.references })
    .from(emails)
    .where(and(eq(emails.workspaceId, ph('workspaceId')), eq(emails.threadId, ph('threadId')), eq(emails.status, 'SENT')))
    .orderBy(desc(emails.sentAt))
    .limit(1)
    .prepare('accept_last_sent_in_thread'),
);

/** A follow-up replies to our latest sent email in the Gmail thread (or the Message-ID the client saw). */
async function threadHeaders(db: Db, workspaceId: string, body: SendEmailRequest) {
  if (!body.threadId) return { inReplyTo: body.inReplyTo ?? null, references: body.inReplyTo ?? null };
  const [last] = await lastSentInThread(db).execute({ workspaceId, threadId: body.threadId });
  const parent = body.inReplyTo ?? last?.messageId ?? null;
  if (!parent) return { inReplyTo: null, references: null };
  const chain = [...(last?.references?.split(/\s+/).filter(Boolean) ?? []), ...(last ? [last.messageId] : []), parent];
  return { inReplyTo: parent, references: [...new Set(chain)].join(' ') };
}
