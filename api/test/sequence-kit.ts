import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Deps } from '../src/context';
import { campaignLeads, emails } from '../../db/schema';
import { campaignSchema, type createCampaignRequest } from '../../shared/contracts/campaigns';
import { prospectSchema } from '../../shared/contracts/prospects';
import { advanceDueLeads } from '../src/modules/campaigns/sequence.worker';
import type { SignedIn } from './harness';

/**
 * A sequence email as the product makes one: the prospect is created, put in a new campaign
 * and launched by `rep` through the API, and the real scheduler accepts the first step — so
 * the email's lead link is the one the accept path writes. Answers the email row and its lead.
 */
export async function firstStepOf(rt: { deps: Deps }, rep: SignedIn, prospectEmail: string, campaign: z.input<typeof createCampaignRequest>) {
  const prospect = prospectSchema.parse(await (await rep.call('/api/prospects', { method: 'POST', json: { email: prospectEmail } })).json());
  const created = campaignSchema.parse(await (await rep.call('/api/campaigns', { method: 'POST', json: campaign })).json());
  await rep.call(`/api/campaigns/${created.id}/leads`, { method: 'POST', json: { prospectIds: [prospect.id] } });
  await rep.call(`/api/campaigns/${created.id}/launch`, { method: 'POST' });
  await advanceDueLeads(rt.deps, {}, new Date(Date.now() + 1000));
  const [email] = await rt.deps.db.select().from(emails).where(eq(emails.campaignId, created.id));
  const [lead] = await rt.deps.db.select().from(campaignLeads).where(eq(campaignLeads.campaignId, created.id));
  if (!email || !lead) throw new Error(`the scheduler sent no first step of campaign ${created.name}`);
  return { email, lead, campaign: created, prospect };
}
