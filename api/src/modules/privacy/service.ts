import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import {
  auditEvents, campaignLeads, campaigns, drafts, emailEvents, emails, prospects, queueJobs, sendJobs, suppressions, webhookDeliveries, webhooks,
} from '../../../../db/schema';
import { notFound } from '../../lib/api-error';
import { recordAudit } from '../admin/audit';
import { toProspect } from '../prospects/service';
import { erasedMarkerSql, normalizeAddress, suppressionsOf } from '../suppressions/service';
import type { EraseResult, ProspectExport } from '../../../../shared/contracts/privacy';

type ProspectRow = typeof prospects.$inferSelect;

/** The bare address of an `emails.to` ("Ada <ada@x.test>" or "ada@x.test"), as the dashboard reads it. */
const recipientOf = (to: SQL | typeof emails.to) => sql`lower(trim(coalesce(substring(${to} from '<([^>]+)>'), ${to})))`;

async function prospectRow(db: Pick<Db, 'select'>, workspaceId: string, id: string): Promise<ProspectRow> {
  const [row] = await db.select().from(prospects).where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, id)));
  if (!row) throw notFound('Prospect');
  return row;
}

/** Emails to the person: linked to the prospect, or sent to the address without a link (a rep's one-off). */
const emailsOf = (workspaceId: string, p: ProspectRow) =>
  and(eq(emails.workspaceId, workspaceId), or(eq(emails.prospectId, p.id), sql`${recipientOf(emails.to)} = ${normalizeAddress(p.email)}`))!;

/** Drafts addressed to the person (to or cc) or linked to the prospect. */
const draftsOf = (workspaceId: string, p: ProspectRow) =>
  and(
    eq(drafts.workspaceId, workspaceId),
    or(
      eq(drafts.prospectId, p.id),
      sql`exists (select 1 from unnest(${drafts.to} || ${drafts.cc}) a where ${recipientOf(sql`a`)} = ${normalizeAddress(p.email)})`,
    ),
  )!;

/**
 * What names the person in free text (audit data, webhook payloads, finished jobs): the address
 * anywhere, and the full name and each name part of 3+ letters as whole words (so "Tom" does not
 * match "custom").
 */
interface Needles {
  address: string;
  words: string[];
}
function needlesOf(p: ProspectRow): Needles {
  const full = [p.firstName, p.lastName].filter(Boolean).join(' ').trim();
  const parts = [p.firstName, p.lastName].filter((s): s is string => Boolean(s && s.trim().length >= 3)).map((s) => s.trim());
  return { address: normalizeAddress(p.email), words: [...new Set([...(full ? [full] : []), ...parts])] };
}
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mentions = (column: SQL, n: Needles) =>
  sql`(${column} ilike ${`%${likeEscape(n.address)}%`}${sql.join(n.words.map((w) => sql` or ${column} ~* ${`\\m${regexEscape(w)}\\M`}`), sql``)})`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Everything held about one prospect, as one JSON document (GDPR art. 15). */
export async function exportProspect(db: Db, workspaceId: string, prospectId: string, actorId: string): Promise<ProspectExport> {
  const p = await prospectRow(db, workspaceId, prospectId);
  const needles = needlesOf(p);
  const [leadRows, emailRows, draftRows, suppressionRows, auditRows] = await Promise.all([
    db
      .select({ lead: campaignLeads, campaignName: campaigns.name, campaignStatus: campaigns.status })
      .from(campaignLeads)
      .innerJoin(campaigns, eq(campaigns.id, campaignLeads.campaignId))
      .where(and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.prospectId, p.id))),
    db.select().from(emails).where(emailsOf(workspaceId, p)).orderBy(asc(emails.createdAt)),
    db.select().from(drafts).where(draftsOf(workspaceId, p)),
    db
      .select()
      .from(suppressions)
      .where(suppressionsOf(workspaceId, p.email)),
    db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.workspaceId, workspaceId), or(eq(auditEvents.target, p.id), mentions(sql`${auditEvents.target}`, needles), mentions(sql`${auditEvents.data}::text`, needles))))
      .orderBy(asc(auditEvents.createdAt)),
  ]);
  const emailIds = emailRows.map((e) => e.id);
  const [eventRows, deliveryRows] = emailIds.length
    ? await Promise.all([
        db.select().from(emailEvents).where(and(eq(emailEvents.workspaceId, workspaceId), inArray(emailEvents.emailId, emailIds))).orderBy(asc(emailEvents.occurredAt), asc(emailEvents.id)),
        db
          .select({ d: webhookDeliveries })
          .from(webhookDeliveries)
          .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
          .where(and(eq(webhooks.workspaceId, workspaceId), sql`${webhookDeliveries.payload}->>'emailId' in (${sql.join(emailIds.map((id) => sql`${id}`), sql`, `)})`)),
      ])
    : [[], []];

  const events = eventRows.map((e) => ({
    id: e.id, emailId: e.emailId, type: e.type, machine: e.machine, reason: e.reason, linkIndex: e.linkIndex, url: e.url,
    userAgent: e.userAgent, ip: e.ip, data: e.data, occurredAt: e.occurredAt.toISOString(),
  }));
  const doc: ProspectExport = {
    exportedAt: new Date().toISOString(),
    workspaceId,
    prospect: toProspect(p),
    campaigns: leadRows.map(({ lead, campaignName, campaignStatus }) => ({
      campaignId: lead.campaignId, campaignName, campaignStatus, leadStatus: lead.status, currentStep: lead.currentStep,
      nextDueAt: iso(lead.nextDueAt), pausedUntil: iso(lead.pausedUntil), addedAt: lead.createdAt.toISOString(),
    })),
    emails: emailRows.map((e) => ({
      id: e.id, campaignId: e.campaignId, status: e.status, subject: e.subject, bodyHtml: e.bodyHtml, bodyText: e.bodyText,
      trackOpens: e.trackOpens, trackClicks: e.trackClicks, failureReason: e.failureReason, threadId: e.threadId,
      scheduledAt: iso(e.scheduledAt), sentAt: iso(e.sentAt), createdAt: e.createdAt.toISOString(),
      // The headers Lumina wrote (the raw MIME is built at send time and not stored).
      headers: Object.fromEntries(
        Object.entries({ From: e.fromAddress, To: e.to, Subject: e.subject, 'Message-ID': e.messageId, 'In-Reply-To': e.inReplyTo, References: e.references })
          .filter((kv): kv is [string, string] => typeof kv[1] === 'string'),
      ),
      events: events.filter((ev) => ev.emailId === e.id),
    })),
    replies: events.filter((e) => e.type === 'reply' || e.type === 'auto_reply'),
    drafts: draftRows.map((d) => ({ id: d.id, to: d.to, cc: d.cc, subject: d.subject, bodyHtml: d.bodyHtml, bodyText: d.bodyText, deleted: d.deletedAt !== null, updatedAt: d.updatedAt.toISOString() })),
    suppressions: suppressionRows.map((s) => ({ id: s.id, email: s.email, reason: s.reason, createdAt: s.createdAt.toISOString() })),
    auditEvents: auditRows.map((a) => ({ id: a.id, action: a.action, actorId: a.actorId, target: a.target, data: a.data, createdAt: a.createdAt.toISOString() })),
    webhookDeliveries: deliveryRows.map(({ d }) => ({ id: d.id, webhookId: d.webhookId, event: d.event, payload: d.payload, status: d.status, createdAt: d.createdAt.toISOString() })),
  };
  // The export itself is recorded, by id only: the log must not become a second copy of the person.
  await recordAudit(db, { workspaceId, actorId, action: 'prospect.exported', target: p.id, data: { emails: doc.emails.length, events: events.length } });
  return doc;
}

/**
 * Erases one person (GDPR art. 17) in one transaction. What is kept is what the workspace's
 * figures are made of, with nothing left that names the person: the email rows (recipient,
 * subject, bodies and threading headers blanked) and their events (type, time and machine flag;
 * user agent, IP, URL, reason and data cleared), so sent/open/reply counts and rollups stand.
 * The prospect, its campaign memberships (cascade) and the drafts addressed to them are deleted;
 * audit rows, webhook payloads and finished jobs that mention them are redacted. The address
 * stays on the suppression list only as a salted hash, which send and import check.
 */
export async function eraseProspect(db: Db, workspaceId: string, prospectId: string, actorId: string): Promise<EraseResult> {
  return db.transaction(async (tx) => {
    // Locks the row: two erases of one person run one after the other; the second finds nothing (404).
    const [p] = await tx.select().from(prospects).where(and(eq(prospects.workspaceId, workspaceId), eq(prospects.id, prospectId))).for('update');
    if (!p) throw notFound('Prospect');
    const address = normalizeAddress(p.email);
    const needles = needlesOf(p);

    const mail = await tx.select({ id: emails.id }).from(emails).where(emailsOf(workspaceId, p));
    const ids = mail.map((m) => m.id);
    let events = 0;
    if (ids.length) {
      // Mail not yet sent is cancelled: the send worker never sees an address again.
      await tx.update(sendJobs).set({ state: 'cancelled', lastError: null, updatedAt: new Date() }).where(and(inArray(sendJobs.emailId, ids), inArray(sendJobs.state, ['queued', 'claimed'])));
      await tx.update(sendJobs).set({ lastError: null }).where(inArray(sendJobs.emailId, ids));
      await tx
        .update(emails)
        .set({
          to: 'erased',
          subject: '',
          bodyHtml: '',
          bodyText: null,
          inReplyTo: null,
          references: null,
          failureReason: null,
          prospectId: null,
          draftId: null,
          status: sql`case when ${emails.status} in ('PENDING_SEND', 'SENDING') then 'CANCELLED' else ${emails.status} end`,
          updatedAt: new Date(),
        })
        .where(and(eq(emails.workspaceId, workspaceId), inArray(emails.id, ids)));
      const scrubbed = await tx
        .update(emailEvents)
        .set({ userAgent: null, ip: null, url: null, reason: null, data: {}, dedupeKey: null })
        .where(and(eq(emailEvents.workspaceId, workspaceId), inArray(emailEvents.emailId, ids)))
        .returning({ id: emailEvents.id });
      events = scrubbed.length;
      await tx
        .update(webhookDeliveries)
        .set({ payload: { redacted: true }, error: null })
        .where(
          and(
            sql`${webhookDeliveries.webhookId} in (select id from ${webhooks} where workspace_id = ${workspaceId})`,
            or(sql`${webhookDeliveries.payload}->>'emailId' in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`, mentions(sql`${webhookDeliveries.payload}::text`, needles)),
          ),
        );
    }
    const goneDrafts = await tx.delete(drafts).where(draftsOf(workspaceId, p)).returning({ id: drafts.id });
    const leads = await tx.select({ id: campaignLeads.id }).from(campaignLeads).where(and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.prospectId, p.id)));
    await tx.delete(prospects).where(eq(prospects.id, p.id)); // campaign_leads cascade

    // Finished jobs keep their payloads for a while; one naming the person loses it.
    await tx.update(queueJobs).set({ data: {}, lastError: null }).where(and(inArray(queueJobs.state, ['completed', 'failed']), or(mentions(sql`${queueJobs.data}::text`, needles), mentions(sql`coalesce(${queueJobs.lastError}, '')`, needles))));

    // The audit log refuses changes except this redaction, allowed for this transaction only.
    await tx.execute(sql`select set_config('lumina.audit_redact', 'on', true)`);
    const redacted = await tx
      .update(auditEvents)
      .set({
        target: sql`case when ${mentions(sql`coalesce(${auditEvents.target}, '')`, needles)} then null else ${auditEvents.target} end`,
        data: sql`case when ${mentions(sql`${auditEvents.data}::text`, needles)} then '{"redacted":true}'::jsonb else ${auditEvents.data} end`,
      })
      .where(and(eq(auditEvents.workspaceId, workspaceId), or(mentions(sql`coalesce(${auditEvents.target}, '')`, needles), mentions(sql`${auditEvents.data}::text`, needles))))
      .returning({ id: auditEvents.id });
    await tx.execute(sql`select set_config('lumina.audit_redact', 'off', true)`);

    // Only the salted hash stays: the person is never mailed or re-imported by accident.
    await tx.delete(suppressions).where(and(eq(suppressions.workspaceId, workspaceId), eq(suppressions.email, address)));
    await tx.execute(sql`
      insert into ${suppressions} (workspace_id, email, reason)
      values (${workspaceId}, ${erasedMarkerSql(sql`${workspaceId}::uuid`, sql`${address}`)}, 'erased')
      on conflict (workspace_id, email) do nothing`);

    const result: EraseResult = { erased: true, emails: ids.length, events, drafts: goneDrafts.length, campaignLeads: leads.length, auditRowsRedacted: redacted.length };
    const { erased: _e, ...counts } = result;
    await recordAudit(tx, { workspaceId, actorId, action: 'prospect.erased', target: p.id, data: counts });
    return result;
  });
}
