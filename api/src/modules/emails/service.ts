import { and, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { preparedQuery, preparedSql, rowsOf } from '../../../../db/prepared';
import { campaigns, drafts, emails, mailboxes, prospects, sendJobs, templates } from '../../../../db/schema';
import { rowFromJson } from '../../../../db/json-row';
import type { Deps, SessionInfo } from '../../context';
import { ApiError, notFound } from '../../lib/api-error';
import { sha256 } from '../../lib/crypto';
import { listPage } from '../../lib/pagination';
import { clipWarnings } from '../../../../shared/gmail-clip';
import { prospectVars, renderTemplate, type TemplateVars } from '../../../../shared/template-vars';
import type { Email, SendEmailRequest, SendEmailResponse } from '../../../../shared/contracts/emails';
import { normalizeAddress, suppressedSql } from '../suppressions/service';
import { enqueueSend, enqueueSends } from './send.worker';
import { recordAudit } from '../admin/audit';

type EmailRow = typeof emails.$inferSelect;

/**
 * Who asks for a send, as they really are. A person (the send route) may send from their own
 * mailbox, or from any mailbox of the workspace when admin. A campaign (the sequence
 * scheduler) sends on its owner's behalf from the campaign's mailbox, or, when the campaign
 * names none, from the owner's own; the email row is the owner's either way.
 */
export type SendActor =
  | { kind: 'user'; workspaceId: string; userId: string; role: SessionInfo['role'] }
  | {
      kind: 'campaign'; workspaceId: string; campaignId: string; ownerId: string; mailboxId: string | null;
      /** The lead, step and A/B variant this send is: written on the email row, read by every effect and figure. */
      leadId: string; stepId: string; variantId?: string | null;
    };

/** The send route's actor: the signed-in person. */
export const userActor = (session: Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>): SendActor => ({ kind: 'user', workspaceId: session.workspaceId, userId: session.userId, role: session.role });

/** The user the email belongs to (and whose mailbox is the default). */
const senderOf = (actor: SendActor) => (actor.kind === 'user' ? actor.userId : actor.ownerId);

/** May this actor send from that mailbox? (The default mailbox is always the sender's own.) */
function mayUseMailbox(actor: SendActor, mailbox: { id: string; userId: string | null }): boolean {
  if (actor.kind === 'campaign') return actor.mailboxId ? mailbox.id === actor.mailboxId : mailbox.userId === actor.ownerId;
  return actor.role === 'admin' || mailbox.userId === actor.userId;
}

/**
 * Accepts a send (DESIGN.md invariant 4): one read answers every check, then the email row
 * and its send_jobs row are written by one atomic statement before anything else happens, then
 * the job is enqueued with id = email id. The same key with the same body answers the first
 * answer; with another body, 409.
 */
export async function acceptSend(deps: Deps, sender: SendActor, idempotencyKey: string, body: SendEmailRequest): Promise<SendEmailResponse> {
  const { db } = deps;
  const found = await acceptReads(db, sender, idempotencyKey, body);
  const planned = planAccept(sender, idempotencyKey, body, found, new Date());
  if (planned.kind === 'replay') return planned.replay;
  const { email, rendered, dueAt, now } = planned;
  const write = body.draftId ? acceptWriteWithTombstone : acceptWrite;
  const written = await write(db).execute({
    ...email,
    scheduledAt: email.scheduledAt?.toISOString() ?? null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    dueAt: dueAt.toISOString(),
    ...(body.draftId ? { now: now.toISOString() } : {}),
  });
  if (!written.length) return replayAnswer((await findByKey(db, sender.workspaceId, idempotencyKey))!, email.requestHash);

  // The row is durable: if the queue is down now, the sweeper enqueues it later.
  await enqueueSend(deps.queue, email.id!, dueAt, { fresh: true }).catch((err) => deps.logger.warn({ err, emailId: email.id }, 'enqueue failed; the sweeper will pick the send up'));
  return firstAnswer({ id: email.id!, createdAt: now, bodyHtml: rendered.bodyHtml });
}

/** One send of a batch: who, its key, its body. */
export interface BatchSend {
  sender: Extract<SendActor, { kind: 'campaign' }>;
  key: string;
  body: SendEmailRequest;
}
export type BatchAnswer = { ok: true; answer: SendEmailResponse } | { ok: false; error: ApiError };

/**
 * The accept of many sends at once (the sequence scheduler's tick): the same checks and the
 * same row as acceptSend, item by item, but one read for the whole batch, one statement writing
 * every email row with its send_jobs row, and one enqueue of all their jobs. Each item answers on
 * its own: a refusal (suppressed, mailbox, a variable without value, a key reused with another
 * body) is that item's answer and never stops the others. Drafts are not accepted here.
 */
export async function acceptSends(deps: Deps, sends: BatchSend[]): Promise<BatchAnswer[]> {
  const { db } = deps;
  if (!sends.length) return [];
  const found = await acceptReadsBatch(db, sends);
  const now = new Date();
  const answers: Array<BatchAnswer | undefined> = [];
  const toWrite: Array<{ i: number; planned: Extract<ReturnType<typeof planAccept>, { kind: 'write' }> }> = [];
  sends.forEach((send, i) => {
    try {
      if (send.body.draftId) throw new ApiError('VALIDATION_ERROR', 'A batch accept takes no draft');
      const planned = planAccept(send.sender, send.key, send.body, found[i]!, now);
      if (planned.kind === 'replay') answers[i] = { ok: true, answer: planned.replay };
      else toWrite.push({ i, planned });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      answers[i] = { ok: false, error: err };
    }
  });
  if (toWrite.length) {
    const rows = toWrite.map(({ planned: { email } }) => emailColumns(email));
    const dues = toWrite.map(({ planned: { email, dueAt } }) => ({ id: email.id, due_at: dueAt.toISOString() }));
    const inserted = new Set(
      rowsOf<{ id: string }>(
        await db.execute(sql`
          with r as (select * from jsonb_populate_recordset(null::${emails}, ${JSON.stringify(rows)}::jsonb)),
          due as (select * from jsonb_to_recordset(${JSON.stringify(dues)}::jsonb) as d(id uuid, due_at timestamptz)),
          inserted as (
            insert into ${emails} (${sql.raw(EMAIL_COLUMNS.map((c) => `"${c}"`).join(', '))})
            select ${sql.raw(EMAIL_COLUMNS.map((c) => `r."${c}"`).join(', '))} from r
            on conflict (workspace_id, idempotency_key) do nothing
            returning id, workspace_id, idempotency_key),
          job as (
            insert into ${sendJobs} (workspace_id, email_id, idempotency_key, due_at)
            select i.workspace_id, i.id, i.idempotency_key, d.due_at from inserted i join due d on d.id = i.id)
          select id from inserted`),
      ).map((r) => String(r.id)),
    );
    const fresh: Array<{ id: string; dueAt: Date }> = [];
    for (const { i, planned } of toWrite) {
      const { email, rendered, dueAt } = planned;
      if (inserted.has(email.id!)) {
        fresh.push({ id: email.id!, dueAt });
        answers[i] = { ok: true, answer: firstAnswer({ id: email.id!, createdAt: now, bodyHtml: rendered.bodyHtml }) };
        continue;
      }
      // Another accept with the same key won the insert meanwhile: answer what it wrote.
      try {
        answers[i] = { ok: true, answer: replayAnswer((await findByKey(db, sends[i]!.sender.workspaceId, sends[i]!.key))!, email.requestHash) };
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        answers[i] = { ok: false, error: err };
      }
    }
    await enqueueSends(deps.queue, fresh).catch((err) => deps.logger.warn({ err, count: fresh.length }, 'enqueue failed; the sweeper will pick the sends up'));
  }
  return answers as BatchAnswer[];
}

/**
 * The verdicts of an accept, taken in order (a replay first), and the email row it writes:
 * shared by the one-send and the batch accept, so both hold every send to the same rules.
 */
function planAccept(sender: SendActor, idempotencyKey: string, body: SendEmailRequest, found: AcceptReads, now: Date) {
  const requestHash = sha256(canonicalJson(body));
  if (found.replay) return { kind: 'replay' as const, replay: replayAnswer(found.replay, requestHash) };
  if (found.suppressed) throw new ApiError('RECIPIENT_SUPPRESSED', `${normalizeAddress(body.to)} is on the suppression list; nothing was queued`);
  const mailbox = checkMailbox(sender, body.mailboxId, found.mailbox);
  if (!found.prospect && body.prospectId) throw notFound('Prospect');
  if (!found.campaignOk) throw notFound('Campaign');
  if (!found.templateOk) throw notFound('Template');
  const prospect = found.prospect;
  const thread = threadHeaders(body, found.lastInThread);
  const rendered = renderSend(body, prospect ? prospectVars(prospect) : {});

  const id = crypto.randomUUID();
  const dueAt = body.scheduledAt ? new Date(body.scheduledAt) : now;
  const email: typeof emails.$inferInsert = {
    id,
    workspaceId: sender.workspaceId,
    userId: senderOf(sender),
    mailboxId: mailbox.id,
    prospectId: prospect?.id ?? null,
    campaignId: sender.kind === 'campaign' ? sender.campaignId : (body.campaignId ?? null),
    // Only the scheduler knows these; a person's send is never a campaign step.
    campaignLeadId: sender.kind === 'campaign' ? sender.leadId : null,
    stepId: sender.kind === 'campaign' ? sender.stepId : null,
    variantId: sender.kind === 'campaign' ? (sender.variantId ?? null) : null,
    templateId: body.templateId ?? null,
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
  };
  return { kind: 'write' as const, email, rendered, dueAt, now };
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

/** The workspace's emails, newest first; with `userId`, only the ones that member sent (`scope=me`). */
export async function listEmails(db: Db, workspaceId: string, q: { threadId?: string; to?: string; status?: EmailRow['status']; userId?: string; page: number; limit: number }) {
  const where = and(
    eq(emails.workspaceId, workspaceId),
    q.userId ? eq(emails.userId, q.userId) : undefined,
    q.threadId ? eq(emails.threadId, q.threadId) : undefined,
    q.to ? eq(emails.to, normalizeAddress(q.to)) : undefined,
    q.status ? eq(emails.status, q.status) : undefined,
  );
  const { rows, total } = await listPage(db, q, {
    rows: db.select({ email: emails, dueAt: sendJobs.dueAt }).from(emails).leftJoin(sendJobs, eq(sendJobs.emailId, emails.id)).where(where).orderBy(desc(emails.createdAt), desc(emails.id)),
    from: emails,
    where,
  });
  return { rows: rows.map((r) => toEmail(r.email, r.dueAt)), total };
}

/** The Idempotency-Key of the one retry a failed email may have: retrying twice replays the first. */
export const retryKey = (failedEmailId: string) => `retry-of:${failedEmailId}`;

/**
 * Sends a FAILED email again as a new email through the normal accept (acceptSend): same
 * recipient, mailbox, content and tracking, in the author's name. Its key is derived from
 * the failed email, so however often it is asked, exactly one new attempt exists.
 * Members retry their own mail; admins anyone's.
 */
export async function retryFailedSend(deps: Deps, actor: Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>, failedEmailId: string): Promise<SendEmailResponse & { replay: boolean }> {
  const [row] = await deps.db.select().from(emails).where(and(eq(emails.workspaceId, actor.workspaceId), eq(emails.id, failedEmailId)));
  if (!row || (actor.role !== 'admin' && row.userId !== actor.userId)) throw notFound('Email');
  if (row.status !== 'FAILED') throw new ApiError('CONFLICT', `The email is ${row.status}; only a failed send can be retried`, { status: row.status });
  if (!row.userId || !row.mailboxId) throw new ApiError('UNPROCESSABLE', 'The author or the mailbox of this email is gone; send it again from Gmail');
  const key = retryKey(row.id);
  const before = await findByKey(deps.db, actor.workspaceId, key);
  const body: SendEmailRequest = {
    to: row.to,
    subject: row.subject,
    bodyHtml: row.bodyHtml,
    ...(row.bodyText ? { bodyText: row.bodyText } : {}),
    mailboxId: row.mailboxId,
    ...(row.prospectId ? { prospectId: row.prospectId } : {}),
    ...(row.campaignId ? { campaignId: row.campaignId } : {}),
    ...(row.templateId ? { templateId: row.templateId } : {}),
    ...(row.threadId ? { threadId: row.threadId } : {}),
    track: { opens: row.trackOpens, clicks: row.trackClicks },
  };
  const answer = await acceptSend(deps, { kind: 'user', workspaceId: actor.workspaceId, userId: row.userId, role: actor.role }, key, body);
  if (!before) await recordAudit(deps.db, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'email.retried', target: row.to, data: { reason: row.failureReason } });
  return { ...answer, replay: Boolean(before) };
}

/** Failed sends since `since` that nobody has retried yet: what still needs a person. */
export async function countFailedUnretried(db: Db, workspaceId: string, since: Date): Promise<number> {
  const rows = await db.execute(sql`
    select count(*)::int as n from emails f
    where f.workspace_id = ${workspaceId} and f.status = 'FAILED' and f.updated_at >= ${since.toISOString()}
      and not exists (select 1 from emails r where r.workspace_id = ${workspaceId} and r.idempotency_key = 'retry-of:' || f.id::text)`);
  return Number((rowsOf<{ n: number }>(rows)[0]?.n) ?? 0);
}

/** For failed emails, the status of the retry each one got, if any. */
export async function retriesOf(db: Db, workspaceId: string, failedIds: string[]): Promise<Map<string, { id: string; status: EmailRow['status'] }>> {
  if (!failedIds.length) return new Map();
  const rows = await db
    .select({ id: emails.id, key: emails.idempotencyKey, status: emails.status })
    .from(emails)
    .where(and(eq(emails.workspaceId, workspaceId), inArray(emails.idempotencyKey, failedIds.map(retryKey))));
  return new Map(rows.map((r) => [r.key.slice('retry-of:'.length), { id: r.id, status: r.status }]));
}

/** Subject, recipient and time of a few emails, e.g. the ones that caused suppressions. */
export async function emailSummaries(db: Db, workspaceId: string, ids: string[]) {
  if (!ids.length) return new Map<string, { to: string; subject: string; sentAt: Date | null; createdAt: Date }>();
  const rows = await db
    .select({ id: emails.id, to: emails.to, subject: emails.subject, sentAt: emails.sentAt, createdAt: emails.createdAt })
    .from(emails)
    .where(and(eq(emails.workspaceId, workspaceId), inArray(emails.id, ids)));
  return new Map(rows.map((r) => [r.id, r]));
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

// A replay's read, prepared once (see db/prepared.ts). Parameters bind as text.
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
function firstAnswer(row: Pick<EmailRow, 'id' | 'createdAt' | 'bodyHtml'>): SendEmailResponse {
  const warnings = clipWarnings(Buffer.byteLength(row.bodyHtml));
  return { id: row.id, status: 'PENDING_SEND', createdAt: row.createdAt.toISOString(), ...(warnings.length ? { warnings } : {}) };
}

interface AcceptReads {
  replay?: EmailRow;
  suppressed: boolean;
  mailbox?: typeof mailboxes.$inferSelect;
  prospect?: typeof prospects.$inferSelect;
  lastInThread?: { messageId: string; references: string | null } | null;
  campaignOk: boolean;
  templateOk: boolean;
}

/**
 * Everything an accept must know, asked in one statement (one round trip, where separate
 * reads cost one each): the replay of this key, suppression of the recipient, the mailbox
 * (a named one, or the sender's own — active first), the prospect for template variables (a
 * named one, or the recipient's), our latest sent email in the Gmail thread, and whether the
 * campaign exists. Each variant is its own statement text, so each keeps an index-friendly
 * plan (postgres.js prepares every text once per connection).
 */
async function acceptReads(db: Db, sender: SendActor, key: string, body: SendEmailRequest): Promise<AcceptReads> {
  const by = { mailboxId: Boolean(body.mailboxId), prospectId: Boolean(body.prospectId), thread: Boolean(body.threadId), campaign: Boolean(body.campaignId), template: Boolean(body.templateId) };
  const [row] = await acceptReadsQuery(by)(db).execute({
    ws: sender.workspaceId,
    key,
    to: normalizeAddress(body.to),
    mailbox: body.mailboxId ?? senderOf(sender),
    prospect: body.prospectId ?? normalizeAddress(body.to),
    ...(body.threadId ? { threadId: body.threadId } : {}),
    ...(body.campaignId ? { campaignId: body.campaignId } : {}),
    ...(body.templateId ? { templateId: body.templateId } : {}),
  });
  return {
    replay: rowFromJson(emails, row!.replay),
    suppressed: row!.suppressed,
    mailbox: rowFromJson(mailboxes, row!.mailbox),
    prospect: rowFromJson(prospects, row!.prospect),
    lastInThread: row!.thread as AcceptReads['lastInThread'],
    campaignOk: row!.campaign_ok,
    templateOk: row!.template_ok,
  };
}

/**
 * acceptReads for a whole batch, in one statement: the requests travel as one JSON parameter
 * and each answers the same questions, in the same way, as a single accept's read.
 */
async function acceptReadsBatch(db: Db, sends: BatchSend[]): Promise<AcceptReads[]> {
  const items = sends.map(({ sender, key, body }, i) => ({
    i,
    ws: sender.workspaceId,
    key,
    to: normalizeAddress(body.to),
    mailbox_id: body.mailboxId ?? null,
    owner: senderOf(sender),
    prospect_id: body.prospectId ?? null,
    thread_id: body.threadId ?? null,
    campaign_id: body.campaignId ?? null,
    template_id: body.templateId ?? null,
  }));
  const rows = rowsOf<ReadsRow & { i: number }>(
    await db.execute(sql`
      select r.i,
        (select to_jsonb(e) from ${emails} e where e.workspace_id = r.ws and e.idempotency_key = r.key limit 1) as replay,
        ${suppressedSql(sql`r.ws`, sql`r.to`)} as suppressed,
        coalesce(
          (select to_jsonb(m) from ${mailboxes} m where r.mailbox_id is not null and m.workspace_id = r.ws and m.id = r.mailbox_id limit 1),
          (select to_jsonb(m) from ${mailboxes} m where r.mailbox_id is null and m.workspace_id = r.ws and m.user_id = r.owner
             order by m.status = 'active' desc, m.created_at limit 1)) as mailbox,
        coalesce(
          (select to_jsonb(p) from ${prospects} p where r.prospect_id is not null and p.workspace_id = r.ws and p.id = r.prospect_id limit 1),
          (select to_jsonb(p) from ${prospects} p where r.prospect_id is null and p.workspace_id = r.ws and p.email = r.to limit 1)) as prospect,
        (select jsonb_build_object('messageId', t.message_id, 'references', t."references") from ${emails} t
           where r.thread_id is not null and t.workspace_id = r.ws and t.thread_id = r.thread_id and t.status = 'SENT' order by t.sent_at desc limit 1) as thread,
        (r.campaign_id is null or exists (select 1 from ${campaigns} c where c.workspace_id = r.ws and c.id = r.campaign_id)) as campaign_ok,
        (r.template_id is null or exists (select 1 from ${templates} t where t.workspace_id = r.ws and t.id = r.template_id)) as template_ok
      from jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
        as r(i int, ws uuid, key text, "to" text, mailbox_id uuid, owner uuid, prospect_id uuid, thread_id text, campaign_id uuid, template_id uuid)`),
  );
  const out: AcceptReads[] = [];
  for (const row of rows) {
    out[Number(row.i)] = {
      replay: rowFromJson(emails, row.replay),
      suppressed: Boolean(row.suppressed),
      mailbox: rowFromJson(mailboxes, row.mailbox),
      prospect: rowFromJson(prospects, row.prospect),
      lastInThread: row.thread as AcceptReads['lastInThread'],
      campaignOk: Boolean(row.campaign_ok),
      templateOk: Boolean(row.template_ok),
    };
  }
  return out;
}

type ReadsVariant = Record<'mailboxId' | 'prospectId' | 'thread' | 'campaign' | 'template', boolean>;
type ReadsRow = { replay: Json; suppressed: boolean; mailbox: Json; prospect: Json; thread: Json; campaign_ok: boolean; template_ok: boolean };
const readsVariants = new Map<string, ReturnType<typeof preparedSql<ReadsRow>>>();

/** One prepared statement per shape of request (which of the optional fields it names). */
function acceptReadsQuery(by: ReadsVariant) {
  const name = `accept_reads_${Object.values(by).map(Number).join('')}`;
  let query = readsVariants.get(name);
  if (!query) {
    query = preparedSql<ReadsRow>(name, () => sql`select
      (select to_jsonb(e) from ${emails} e where e.workspace_id = ${ph('ws')} and e.idempotency_key = ${ph('key')} limit 1) as replay,
      ${suppressedSql(ph('ws'), ph('to'))} as suppressed,
      (select to_jsonb(m) from ${mailboxes} m where m.workspace_id = ${ph('ws')} and ${by.mailboxId ? sql`m.id` : sql`m.user_id`} = ${ph('mailbox')}
         order by m.status = 'active' desc, m.created_at limit 1) as mailbox,
      (select to_jsonb(p) from ${prospects} p where p.workspace_id = ${ph('ws')} and ${by.prospectId ? sql`p.id` : sql`p.email`} = ${ph('prospect')} limit 1) as prospect,
      ${by.thread
        ? sql`(select jsonb_build_object('messageId', t.message_id, 'references', t."references") from ${emails} t
             where t.workspace_id = ${ph('ws')} and t.thread_id = ${ph('threadId')} and t.status = 'SENT' order by t.sent_at desc limit 1)`
        : sql`null::jsonb`} as thread,
      ${by.campaign ? sql`exists (select 1 from ${campaigns} c where c.workspace_id = ${ph('ws')} and c.id = ${ph('campaignId')})` : sql`true`} as campaign_ok,
      ${by.template ? sql`exists (select 1 from ${templates} t where t.workspace_id = ${ph('ws')} and t.id = ${ph('templateId')})` : sql`true`} as template_ok`);
    readsVariants.set(name, query);
  }
  return query;
}

const EMAIL_FIELDS = [
  'id', 'workspaceId', 'userId', 'mailboxId', 'prospectId', 'campaignId', 'campaignLeadId', 'stepId', 'variantId', 'templateId', 'draftId', 'idempotencyKey', 'requestHash', 'to', 'fromAddress', 'subject',
  'bodyHtml', 'bodyText', 'messageId', 'inReplyTo', 'references', 'trackOpens', 'trackClicks', 'scheduledAt', 'threadId', 'createdAt', 'updatedAt',
] as const;
const TIMES = new Set<string>(['scheduledAt', 'createdAt', 'updatedAt']);
const EMAIL_COLUMNS = EMAIL_FIELDS.map((k) => getTableColumns(emails)[k].name);

/** An email row as JSON keyed by column name (for jsonb_populate_recordset), times as ISO text. */
function emailColumns(email: typeof emails.$inferInsert): Record<string, unknown> {
  const cols = getTableColumns(emails);
  return Object.fromEntries(
    EMAIL_FIELDS.map((k) => {
      const v = email[k];
      return [cols[k].name, v instanceof Date ? v.toISOString() : (v ?? null)];
    }),
  );
}

/**
 * The accept's write, one statement (so atomic without a transaction, and one round trip):
 * the email row, its job, and with a draft the draft's tombstone (which tells the author's
 * other devices). The job and the tombstone are written only if the email row was — a
 * concurrent request with the same key may have won the insert.
 */
function acceptWriteQuery(tombstone: boolean) {
  return preparedSql<{ id: string }>(tombstone ? 'accept_write_tombstone' : 'accept_write', (db) => {
    // Each value is encoded by its column; times travel as ISO text (the encoder of a nullable
    // timestamp does not let a null through).
    const values = Object.fromEntries(EMAIL_FIELDS.map((k) => [k, TIMES.has(k) ? sql`${ph(k)}::timestamptz` : ph(k)])) as unknown as typeof emails.$inferInsert;
    const insert = db.insert(emails).values(values).onConflictDoNothing({ target: [emails.workspaceId, emails.idempotencyKey] }).returning({ id: emails.id });
    return sql`
      with inserted as (${insert.getSQL()}),
      job as (
        insert into ${sendJobs} (workspace_id, email_id, idempotency_key, due_at)
        select ${ph('workspaceId')}, id, ${ph('idempotencyKey')}, ${ph('dueAt')}::timestamptz from inserted)${tombstone
        ? sql`, tombstone as (
            update ${drafts} set deleted_at = ${ph('now')}::timestamptz, updated_at = ${ph('now')}::timestamptz
            where workspace_id = ${ph('workspaceId')} and user_id = ${ph('userId')} and id = ${ph('draftId')} and exists (select 1 from inserted))`
        : sql``}
      select id from inserted`;
  });
}
const acceptWrite = acceptWriteQuery(false);
const acceptWriteWithTombstone = acceptWriteQuery(true);

type Json = Record<string, unknown> | null;

/** The sender's own active mailbox, or a named one: their own, or any in the workspace for an admin. */
function checkMailbox(sender: SendActor, mailboxId: string | undefined, mailbox: AcceptReads['mailbox']) {
  if (!mailbox || (mailboxId && !mayUseMailbox(sender, mailbox))) {
    if (mailboxId) throw notFound('Mailbox');
    throw new ApiError('UNPROCESSABLE', 'No mailbox is connected for you: connect Gmail (or use the sandbox) first');
  }
  if (mailbox.status !== 'active') {
    throw new ApiError('UNPROCESSABLE', `Mailbox ${mailbox.email} is ${mailbox.status === 'needs_reauth' ? 'waiting to be reconnected (its Google grant was revoked)' : 'disabled'}`);
  }
  return mailbox;
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

/** A follow-up replies to our latest sent email in the Gmail thread (or the Message-ID the client saw). */
function threadHeaders(body: SendEmailRequest, last: AcceptReads['lastInThread']) {
  if (!body.threadId) return { inReplyTo: body.inReplyTo ?? null, references: body.inReplyTo ?? null };
  const parent = body.inReplyTo ?? last?.messageId ?? null;
  if (!parent) return { inReplyTo: null, references: null };
  const chain = [...(last?.references?.split(/\s+/).filter(Boolean) ?? []), ...(last ? [last.messageId] : []), parent];
  return { inReplyTo: parent, references: [...new Set(chain)].join(' ') };
}
