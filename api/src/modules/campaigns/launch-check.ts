import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../../context';
import { campaignLeads, prospects } from '../../../../db/schema';
import type { LaunchCheck } from '../../../../shared/contracts/campaigns';
import { getCampaignRow, stepsOf } from './service';
import { readSendingSettings } from '../settings/sending';
import { senderWarnings } from '../deliverability/sender';
import { recipientCheckerFor } from '../deliverability/recipients';
import { suppressedSql } from '../suppressions/service';

/** Problems listed in full; the counts cover every lead. */
const MAX_PROBLEMS = 200;

/**
 * What launching (a draft) or resuming (a paused campaign) would say, read without changing
 * anything: the refusals launch would give (status, no step, no postal address), the sender
 * check it answers with, and the leads still to be mailed whose address the send worker would
 * skip (suppressed, a domain that takes no mail) or that are worth a look (role, disposable,
 * unverified). The recipient check is the import's: cached per domain, asked once per domain.
 */
export async function launchCheck(deps: Pick<Deps, 'db' | 'config'>, workspaceId: string, id: string, timeoutMs?: number): Promise<LaunchCheck> {
  const { db, config } = deps;
  const campaign = await getCampaignRow(db, workspaceId, id); // 404 for another workspace's campaign
  const [steps, sending, leads] = await Promise.all([
    stepsOf(db, id),
    readSendingSettings(db, workspaceId, config.postalAddressDefault),
    db
      .select({ leadId: campaignLeads.id, prospectId: prospects.id, email: prospects.email, suppressed: sql<boolean>`${suppressedSql(sql`${workspaceId}::uuid`, prospects.email)}` })
      .from(campaignLeads)
      .innerJoin(prospects, eq(prospects.id, campaignLeads.prospectId))
      .where(and(eq(campaignLeads.workspaceId, workspaceId), eq(campaignLeads.campaignId, id), inArray(campaignLeads.status, ['pending', 'active', 'paused'])))
      .orderBy(asc(prospects.email), asc(campaignLeads.id)),
  ]);

  const blockers: LaunchCheck['blockers'] = [];
  if (campaign.status !== 'draft' && campaign.status !== 'paused') {
    blockers.push({ code: 'status', message: `${/^[aeiou]/.test(campaign.status) ? 'An' : 'A'} ${campaign.status} campaign cannot be launched or resumed.` });
  }
  if (steps.length === 0) blockers.push({ code: 'no_steps', message: 'Add at least one step before launching.' });
  if (!sending.postalAddress) {
    blockers.push({ code: 'postal_address', message: "Set the workspace's postal address (Settings → Postal address): US law (CAN-SPAM) requires it in every campaign email." });
  }

  const [warnings, verdicts] = await Promise.all([
    senderWarnings(db, config, { workspaceId, mailboxId: campaign.mailboxId, ownerId: campaign.ownerId }, timeoutMs),
    recipientCheckerFor(config).check(leads.filter((l) => !l.suppressed).map((l) => l.email)),
  ]);
  const problems: LaunchCheck['recipients']['problems'] = [];
  for (const lead of leads) {
    const base = { leadId: lead.leadId, prospectId: lead.prospectId, email: lead.email };
    if (lead.suppressed) {
      problems.push({ ...base, sendable: false, flags: ['suppressed'], message: `${lead.email} is on the suppression list; it will not be mailed.` });
      continue;
    }
    const v = verdicts.get(lead.email);
    if (!v) continue;
    if (!v.deliverable) problems.push({ ...base, sendable: false, flags: ['undeliverable'], message: `${v.message!.replace(/; not imported$/, '')}; it will be skipped.` });
    else if (v.flags.length) problems.push({ ...base, sendable: true, flags: v.flags, message: v.message!.replace(/; imported unchecked$/, '') });
  }
  problems.sort((a, b) => Number(a.sendable) - Number(b.sendable)); // stable: by address within each group
  return {
    campaignId: campaign.id,
    status: campaign.status,
    ready: blockers.length === 0,
    blockers,
    warnings,
    recipients: { checked: leads.length, unsendable: problems.filter((p) => !p.sendable).length, problems: problems.slice(0, MAX_PROBLEMS) },
  };
}
