import { requirePostalAddress } from '../settings/sending';
import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { campaignLeads, campaigns, mailboxes, prospects, sequenceSteps, templates } from '../../../../db/schema';
import { ApiError, notFound } from '../../lib/api-error';
import { countRows, listPage } from '../../lib/pagination';
import type { SessionInfo } from '../../context';
import { sanitizeEmailHtml } from '../templates/sanitize';
import { calendarOf, dueAfter, legacyDays } from './timing';
import { suppressedSql } from '../suppressions/service';
import {
  orderSteps, type AddLeadsResponse, type Campaign, type CreateCampaignRequest, type Lead, type StepInput, type UpdateCampaignRequest,
} from '../../../../shared/contracts/campaigns';

type CampaignRow = typeof campaigns.$inferSelect;
type StepRow = typeof sequenceSteps.$inferSelect;
type LeadRow = typeof campaignLeads.$inferSelect;
type Actor = Pick<SessionInfo, 'workspaceId' | 'userId' | 'role'>;
type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export async function listCampaigns(db: Db, workspaceId: string, query: { page: number; limit: number; status?: CampaignRow['status'] }) {
  const where = and(eq(campaigns.workspaceId, workspaceId), query.status ? eq(campaigns.status, query.status) : undefined);
  const { rows, total } = await listPage(db, query, { rows: db.select().from(campaigns).where(where).orderBy(desc(campaigns.createdAt), desc(campaigns.id)), from: campaigns, where });
  const steps = rows.length
    ? await db.select().from(sequenceSteps).where(and(inArray(sequenceSteps.campaignId, rows.map((r) => r.id)), isNull(sequenceSteps.retiredAt))).orderBy(asc(sequenceSteps.position))
    : [];
  return { rows: rows.map((r) => toCampaign(r, steps.filter((s) => s.campaignId === r.id))), total };
}

export const countCampaigns = (db: Db, workspaceId: string) => countRows(db, campaigns, eq(campaigns.workspaceId, workspaceId));

/** How many leads of each campaign are in each status (a status with none is left out). */
export async function leadCountsOf(db: Db, workspaceId: string, campaignIds: string[]): Promise<Map<string, Partial<Record<LeadRow['status'], number>>>> {
  const counts = new Map<string, Partial<Record<LeadRow['status'], number>>>(campaignIds.map((id) => [id, {}]));
  if (campaignIds.length === 0) return counts;
  const rows = await db
    .select({ campaignId: campaignLeads.campaignId, status: campaignLeads.status, n: count() })
    .from(campaignLeads)
    .where(and(eq(campaignLeads.workspaceId, workspaceId), inArray(campaignLeads.campaignId, campaignIds)))
    .groupBy(campaignLeads.campaignId, campaignLeads.status);
  for (const r of rows) counts.get(r.campaignId)![r.status] = r.n;
  return counts;
}

export async function getCampaignRow(db: Db | Tx, workspaceId: string, id: string): Promise<CampaignRow> {
  const [row] = await db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id)));
  if (!row) throw notFound('Campaign');
  return row;
}

export async function getCampaign(db: Db, workspaceId: string, id: string): Promise<Campaign> {
  const row = await getCampaignRow(db, workspaceId, id);
  return toCampaign(row, await stepsOf(db, id));
}

/** The live steps (an edit retires the old versions; they stay for their figures). */
export async function stepsOf(db: Db | Tx, campaignId: string): Promise<StepRow[]> {
  return db.select().from(sequenceSteps).where(and(eq(sequenceSteps.campaignId, campaignId), isNull(sequenceSteps.retiredAt))).orderBy(asc(sequenceSteps.position));
}

/** When a lead starting now is due for its first step (the step's delay, in the campaign mailbox's calendar). */
export async function firstDue(db: Db | Tx, campaign: CampaignRow, first: StepRow | undefined, now = new Date()): Promise<Date> {
  if (!first || first.delayAmount === 0) return now;
  const [box] = await db
    .select({ sendWindow: mailboxes.sendWindow })
    .from(mailboxes)
    .where(and(eq(mailboxes.workspaceId, campaign.workspaceId), campaign.mailboxId ? eq(mailboxes.id, campaign.mailboxId) : eq(mailboxes.userId, campaign.ownerId ?? sql`null`)))
    .limit(1);
  return dueAfter(now, { amount: first.delayAmount, unit: first.delayUnit }, calendarOf({ window: box?.sendWindow, holidays: campaign.settings.holidays }));
}

export async function createCampaign(db: Db, actor: Actor, input: CreateCampaignRequest): Promise<Campaign> {
  const { workspaceId, userId: ownerId } = actor;
  await checkReferences(db, actor, input);
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({ workspaceId, ownerId, name: input.name, mailboxId: input.mailboxId ?? null, settings: withOptions(input.settings ?? {}, input) })
      .returning({ id: campaigns.id });
    await writeSteps(tx, row!.id, input.steps);
    return row!.id;
  });
  return getCampaign(db, workspaceId, id);
}

export async function updateCampaign(db: Db, actor: Actor, id: string, input: UpdateCampaignRequest): Promise<Campaign> {
  const { workspaceId } = actor;
  await checkReferences(db, actor, input);
  await db.transaction(async (tx) => {
    const current = await getCampaignRow(tx, workspaceId, id);
    if (current.status === 'archived') throw new ApiError('CONFLICT', 'An archived campaign is read-only');
    await tx
      .update(campaigns)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.mailboxId !== undefined ? { mailboxId: input.mailboxId } : {}),
        ...(input.settings !== undefined || input.holidays !== undefined || input.stopCompanyDomain !== undefined ? { settings: withOptions(input.settings ?? current.settings, { holidays: input.holidays ?? (current.settings.holidays as string[] | undefined), stopCompanyDomain: input.stopCompanyDomain ?? (typeof current.settings.stopCompanyDomain === 'boolean' ? current.settings.stopCompanyDomain : undefined) }) } : {}),
        updatedAt: new Date(),
      })
      .where(eq(campaigns.id, id));
    if (input.steps && current.status === 'draft') {
      // Nothing was sent from a draft: the new sequence simply replaces the old one.
      await tx.delete(sequenceSteps).where(eq(sequenceSteps.campaignId, id));
      await writeSteps(tx, id, input.steps);
    } else if (input.steps) {
      await versionSteps(tx, id, input.steps);
    }
  });
  return getCampaign(db, workspaceId, id);
}

export async function deleteCampaign(db: Db, workspaceId: string, id: string) {
  const gone = await db.delete(campaigns).where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id))).returning({ id: campaigns.id });
  if (gone.length === 0) throw notFound('Campaign');
}

/**
 * Adds prospects as leads, at most once per campaign. Suppressed addresses are reported
 * and left out. In a running campaign a new lead is due after the first step's delay.
 */
export async function addLeads(db: Db, workspaceId: string, campaignId: string, prospectIds: string[]): Promise<AddLeadsResponse> {
  const campaign = await getCampaignRow(db, workspaceId, campaignId);
  const ids = [...new Set(prospectIds)];
  const found = await db
    .select({ id: prospects.id, email: prospects.email, suppressed: sql<boolean>`${suppressedSql(sql`${workspaceId}`, prospects.email)}` })
    .from(prospects)
    .where(and(eq(prospects.workspaceId, workspaceId), inArray(prospects.id, ids)));
  const known = new Set(found.map((p) => p.id));
  const eligible = found.filter((p) => !p.suppressed);
  if (campaign.status === 'archived') throw new ApiError('CONFLICT', 'An archived campaign is read-only');
  // A completed campaign takes new leads and runs again for them.
  const running = campaign.status === 'active' || campaign.status === 'completed';
  const [first] = await stepsOf(db, campaignId);
  const due = running ? await firstDue(db, campaign, first) : null;
  const inserted = eligible.length
    ? await db
        .insert(campaignLeads)
        .values(
          eligible.map((p) => ({
            workspaceId,
            campaignId,
            prospectId: p.id,
            status: running ? ('active' as const) : ('pending' as const),
            nextDueAt: due,
          })),
        )
        .onConflictDoNothing({ target: [campaignLeads.campaignId, campaignLeads.prospectId] })
        .returning({ prospectId: campaignLeads.prospectId })
    : [];
  const added = new Set(inserted.map((r) => r.prospectId));
  if (added.size && campaign.status === 'completed') {
    await db.update(campaigns).set({ status: 'active', updatedAt: new Date() }).where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'completed')));
  }
  return {
    added: added.size,
    duplicates: eligible.filter((p) => !added.has(p.id)).map((p) => p.id),
    suppressed: found.filter((p) => p.suppressed).map((p) => ({ prospectId: p.id, email: p.email })),
    notFound: ids.filter((id) => !known.has(id)),
  };
}

export async function listLeads(db: Db, workspaceId: string, campaignId: string, query: { page: number; limit: number; status?: LeadRow['status']; prospectId?: string }) {
  await getCampaignRow(db, workspaceId, campaignId);
  const where = and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.campaignId, campaignId), query.status ? eq(campaignLeads.status, query.status) : undefined,
    query.prospectId ? eq(campaignLeads.prospectId, query.prospectId) : undefined);
  const { rows, total } = await listPage(db, query, {
    rows: db
      .select({ lead: campaignLeads, email: prospects.email })
      .from(campaignLeads)
      .innerJoin(prospects, eq(prospects.id, campaignLeads.prospectId))
      .where(where)
      .orderBy(asc(campaignLeads.createdAt), asc(prospects.email)),
    from: campaignLeads,
    where,
  });
  return { rows: rows.map(({ lead, email }) => toLead(lead, email)), total };
}

export function toLead(lead: LeadRow, email: string): Lead {
  return {
    id: lead.id,
    prospectId: lead.prospectId,
    email,
    status: lead.status,
    currentStep: lead.currentStep,
    nextDueAt: lead.nextDueAt?.toISOString() ?? null,
    pausedUntil: lead.pausedUntil?.toISOString() ?? null,
    reason: lead.reason,
    createdAt: lead.createdAt.toISOString(),
    updatedAt: lead.updatedAt.toISOString(),
  };
}

/** draft|paused → active. Launching needs a step; waiting leads become due after the first step's delay. */
export async function launchCampaign(db: Db, workspaceId: string, id: string, options: { postalAddressDefault: string | undefined }): Promise<Campaign> {
  await db.transaction(async (tx) => {
    const campaign = await getCampaignRow(tx, workspaceId, id);
    if (campaign.status !== 'draft') throw new ApiError('CONFLICT', `A ${campaign.status} campaign cannot be launched${campaign.status === 'paused' ? ': resume it' : ''}`);
    const [first] = await stepsOf(tx, id);
    if (!first) throw new ApiError('UNPROCESSABLE', 'Add at least one step before launching');
    await requirePostalAddress(tx, workspaceId, options.postalAddressDefault); // CAN-SPAM: every campaign mail carries it
    await tx.update(campaigns).set({ status: 'active', updatedAt: new Date() }).where(eq(campaigns.id, id));
    await tx
      .update(campaignLeads)
      .set({ status: 'active', nextDueAt: await firstDue(tx, campaign, first), updatedAt: new Date() })
      .where(and(eq(campaignLeads.campaignId, id), eq(campaignLeads.status, 'pending')));
  });
  return getCampaign(db, workspaceId, id);
}

/**
 * Archives a campaign: read-only from then on, kept for its figures. Leads still in the
 * sequence are stopped (on the record) so nothing more is sent.
 */
export async function archiveCampaign(db: Db, workspaceId: string, id: string): Promise<Campaign> {
  await db.transaction(async (tx) => {
    const campaign = await getCampaignRow(tx, workspaceId, id);
    if (campaign.status === 'archived') return;
    await tx.update(campaigns).set({ status: 'archived', updatedAt: new Date() }).where(eq(campaigns.id, id));
    await tx
      .update(campaignLeads)
      .set({ status: 'stopped', nextDueAt: null, pausedUntil: null, reason: 'The campaign was archived', updatedAt: new Date() })
      .where(and(eq(campaignLeads.campaignId, id), inArray(campaignLeads.status, ['pending', 'active', 'paused'])));
  });
  return getCampaign(db, workspaceId, id);
}

/** Pausing stops the scheduler from picking the campaign's leads; their due dates are kept. */
export async function setRunning(db: Db, workspaceId: string, id: string, run: boolean): Promise<Campaign> {
  const from = run ? 'paused' : 'active';
  const [row] = await db
    .update(campaigns)
    .set({ status: run ? 'active' : 'paused', updatedAt: new Date() })
    .where(and(eq(campaigns.workspaceId, workspaceId), eq(campaigns.id, id), eq(campaigns.status, from)))
    .returning({ id: campaigns.id });
  if (!row) {
    const current = await getCampaignRow(db, workspaceId, id);
    throw new ApiError('CONFLICT', `Only a ${from} campaign can be ${run ? 'resumed' : 'paused'} (this one is ${current.status})`);
  }
  return getCampaign(db, workspaceId, id);
}

export function toCampaign(row: CampaignRow, steps: StepRow[]): Campaign {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    mailboxId: row.mailboxId,
    ownerId: row.ownerId,
    settings: row.settings,
    steps: steps.map((s) => ({
      id: s.id,
      position: s.position,
      delay: s.delayAmount,
      delayUnit: s.delayUnit,
      delayDays: legacyDays(s),
      condition: s.condition,
      variants: s.variants,
      subject: s.subject,
      bodyHtml: s.bodyHtml,
      templateId: s.templateId,
      sameThread: s.sameThread === 1,
      winnerAfter: s.winnerAfter,
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Steps are stored at positions 0..n-1 in sending order. */
async function writeSteps(tx: Tx, campaignId: string, steps: StepInput[]) {
  if (steps.length === 0) return;
  await tx.insert(sequenceSteps).values(orderSteps(steps).map((s, position) => stepRow(campaignId, s, position)));
}

function stepRow(campaignId: string, s: StepInput, position: number) {
  return {
      campaignId,
      position,
      delayDays: s.delayUnit === 'days' ? s.delay : 0,
      delayAmount: s.delay,
      delayUnit: s.delayUnit,
      condition: s.condition,
      variants: variantsOf(s),
      subject: s.subject,
      bodyHtml: sanitizeEmailHtml(s.bodyHtml),
      templateId: s.templateId ?? null,
      sameThread: s.sameThread ? 1 : 0,
      winnerAfter: s.variants ? (s.winnerAfter ?? null) : null,
    };
}

/** What a step sends and when: two rows with the same content are the same version. */
const contentOf = (r: ReturnType<typeof stepRow> | StepRow) =>
  JSON.stringify([r.delayAmount, r.delayUnit, r.condition, r.subject, r.bodyHtml, r.templateId ?? null, r.sameThread, r.variants, r.winnerAfter ?? null]);

/**
 * Edits the sequence of a campaign that has sent: leads keep what they got, only what they
 * have not got yet changes. A step named by id and unchanged stays (its id, its figures); a
 * changed one is retired and replaced by a new version; a step left out is retired. Each
 * lead then continues after the last step it already got, in the new order — so a lead
 * waiting on a removed step moves on to the next one, and a lead that got a step that was
 * changed does not get its new version.
 */
async function versionSteps(tx: Tx, campaignId: string, input: StepInput[]) {
  const now = new Date();
  const old = await stepsOf(tx, campaignId);
  const oldIndex = new Map(old.map((s, i) => [s.id, i]));
  input.forEach((s, i) => {
    if (s.id && !oldIndex.has(s.id)) throw new ApiError('VALIDATION_ERROR', 'Invalid json', [{ path: `steps.${i}.id`, message: `${s.id} is not a live step of this campaign` }]);
  });
  const ordered = orderSteps(input);
  const rows = ordered.map((s, position) => ({ input: s, row: stepRow(campaignId, s, position), was: s.id ? oldIndex.get(s.id)! : -1 }));
  const kept = new Set(rows.filter((r) => r.was >= 0 && contentOf(r.row) === contentOf(old[r.was]!)).map((r) => old[r.was]!.id));
  const retire = old.filter((s) => !kept.has(s.id)).map((s) => s.id);
  if (retire.length) await tx.update(sequenceSteps).set({ retiredAt: now }).where(inArray(sequenceSteps.id, retire));
  // Out of the way of the (campaign, position) index first, then in their new places.
  if (kept.size) await tx.update(sequenceSteps).set({ position: sql`${sequenceSteps.position} + 10000` }).where(inArray(sequenceSteps.id, [...kept]));
  for (const [position, r] of rows.entries()) {
    const id = r.was >= 0 ? old[r.was]!.id : undefined;
    if (id && kept.has(id)) await tx.update(sequenceSteps).set({ position }).where(eq(sequenceSteps.id, id));
    else await tx.insert(sequenceSteps).values(r.row);
  }
  // A lead at step k got old steps 0..k-1; it goes on after the last of those in the new order.
  // k runs to old.length: a lead that got every old step goes on after the last of them too.
  const cases = Array.from({ length: old.length + 1 }, (_, k) => {
    let next = 0;
    rows.forEach((r, j) => {
      if (r.was >= 0 && r.was < k) next = j + 1;
    });
    return { k, next };
  }).filter((c) => c.k !== c.next);
  if (cases.length) {
    await tx
      .update(campaignLeads)
      .set({ currentStep: sql`case ${campaignLeads.currentStep} ${sql.join(cases.map((c) => sql`when ${c.k}::int then ${c.next}::int`), sql` `)} else ${campaignLeads.currentStep} end`, updatedAt: now })
      .where(and(eq(campaignLeads.campaignId, campaignId), inArray(campaignLeads.status, ['pending', 'active', 'paused'])));
  }
}

/**
 * A mailbox or template named by id must be this workspace's (anything else is 404), and a
 * campaign sends from someone else's mailbox only when an admin says so.
 */
async function checkReferences(db: Db, actor: Actor, input: { mailboxId?: string | null; steps?: StepInput[] }) {
  const { workspaceId } = actor;
  if (input.mailboxId) {
    const [box] = await db.select({ userId: mailboxes.userId }).from(mailboxes).where(and(eq(mailboxes.workspaceId, workspaceId), eq(mailboxes.id, input.mailboxId)));
    if (!box) throw notFound('Mailbox');
    if (actor.role !== 'admin' && box.userId !== actor.userId) throw new ApiError('FORBIDDEN', "Only an admin can send a campaign from someone else's mailbox");
  }
  const templateIds = [...new Set((input.steps ?? []).map((s) => s.templateId).filter((t): t is string => !!t))];
  if (templateIds.length) {
    const found = await db.select({ id: templates.id }).from(templates).where(and(eq(templates.workspaceId, workspaceId), inArray(templates.id, templateIds)));
    if (found.length !== templateIds.length) throw notFound('Template');
  }
}

/** Variants as stored: each with an id (given, or A, B, C… by place) and a sanitised body. */
function variantsOf(s: StepInput) {
  return (s.variants ?? []).map((v, i) => ({ id: v.id ?? String.fromCharCode(65 + i), subject: v.subject, bodyHtml: sanitizeEmailHtml(v.bodyHtml), weight: v.weight }));
}

function withOptions(settings: Record<string, unknown>, { holidays, stopCompanyDomain }: { holidays?: string[] | undefined; stopCompanyDomain?: boolean | undefined }) {
  return {
    ...settings,
    ...(holidays === undefined ? {} : { holidays: [...new Set(holidays)].sort() }),
    ...(stopCompanyDomain === undefined ? {} : { stopCompanyDomain }),
  };
}
