import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { paginated } from '../../lib/pagination';
import {
  addLeadsRequest, campaignIdParam, campaignLeadParam, createCampaignRequest, listCampaignsQuery, listLeadsQuery, updateCampaignRequest,
} from '../../../../shared/contracts/campaigns';
import {
  addLeads, archiveCampaign, createCampaign, deleteCampaign, getCampaign, launchCampaign, listCampaigns, listLeads, setRunning, updateCampaign,
} from './service';
import { campaignStats } from './stats';
import { leadDetail, removeLead, setLeadRunning } from './lead-running';
import { ownerOnly } from '../../lib/ownership';
import { audited } from '../admin/audit';
import { senderWarnings } from '../deliverability/sender';
import { launchCheck } from './launch-check';

export const campaignRoutes = new Hono<AppEnv>()
  .get('/campaigns', validate('query', listCampaignsQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listCampaigns(c.get('deps').db, c.get('session').workspaceId, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .post('/campaigns', validate('json', createCampaignRequest), audited('campaign.created', (a) => ({ name: a.name })), async (c) => {
    return c.json(await createCampaign(c.get('deps').db, c.get('session'), c.req.valid('json')), 201);
  })
  .get('/campaigns/:id', validate('param', campaignIdParam), async (c) => {
    return c.json(await getCampaign(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  })
  .patch('/campaigns/:id', validate('param', campaignIdParam), ownerOnly('campaign'), validate('json', updateCampaignRequest), audited('campaign.updated'), async (c) => {
    return c.json(await updateCampaign(c.get('deps').db, c.get('session'), c.req.valid('param').id, c.req.valid('json')));
  })
  .delete('/campaigns/:id', validate('param', campaignIdParam), ownerOnly('campaign', { change: 'delete' }), audited('campaign.deleted'), async (c) => {
    await deleteCampaign(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .get('/campaigns/:id/leads', validate('param', campaignIdParam), validate('query', listLeadsQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listLeads(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .post('/campaigns/:id/leads', validate('param', campaignIdParam), ownerOnly('campaign'), validate('json', addLeadsRequest), audited('campaign.leads_added', (a) => ({ added: a.added })), async (c) => {
    const { db } = c.get('deps');
    return c.json(await addLeads(db, c.get('session').workspaceId, c.req.valid('param').id, c.req.valid('json').prospectIds));
  })
  .get('/campaigns/:id/leads/:leadId', validate('param', campaignLeadParam), async (c) => {
    const { id, leadId } = c.req.valid('param');
    return c.json(await leadDetail(c.get('deps').db, c.get('session').workspaceId, id, leadId));
  })
  .delete('/campaigns/:id/leads/:leadId', validate('param', campaignLeadParam), ownerOnly('campaign'), async (c) => {
    const { id, leadId } = c.req.valid('param');
    return c.json(await removeLead(c.get('deps').db, c.get('session').workspaceId, id, leadId));
  })
  .post('/campaigns/:id/leads/:leadId/pause', validate('param', campaignLeadParam), ownerOnly('campaign'), async (c) => {
    const { id, leadId } = c.req.valid('param');
    return c.json(await setLeadRunning(c.get('deps').db, c.get('session').workspaceId, id, leadId, false));
  })
  .post('/campaigns/:id/leads/:leadId/resume', validate('param', campaignLeadParam), ownerOnly('campaign'), async (c) => {
    const { id, leadId } = c.req.valid('param');
    return c.json(await setLeadRunning(c.get('deps').db, c.get('session').workspaceId, id, leadId, true));
  })
  // What launch or resume would say, without doing it (any role may read it: it changes nothing).
  .get('/campaigns/:id/launch-check', validate('param', campaignIdParam), async (c) => {
    return c.json(await launchCheck(c.get('deps'), c.get('session').workspaceId, c.req.valid('param').id));
  })
  .post('/campaigns/:id/launch', validate('param', campaignIdParam), ownerOnly('campaign'), audited('campaign.launched', (a) => ({ status: a.status })), async (c) => {
    const { db, config } = c.get('deps');
    const campaign = await launchCampaign(db, c.get('session').workspaceId, c.req.valid('param').id, { postalAddressDefault: config.postalAddressDefault });
    return c.json({ ...campaign, warnings: await senderWarnings(db, config, { ...campaign, workspaceId: c.get('session').workspaceId }) });
  })
  .post('/campaigns/:id/pause', validate('param', campaignIdParam), ownerOnly('campaign'), audited('campaign.paused', (a) => ({ status: a.status })), async (c) => {
    return c.json(await setRunning(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id, false));
  })
  .post('/campaigns/:id/resume', validate('param', campaignIdParam), ownerOnly('campaign'), audited('campaign.resumed', (a) => ({ status: a.status })), async (c) => {
    const { db, config } = c.get('deps');
    const campaign = await setRunning(db, c.get('session').workspaceId, c.req.valid('param').id, true);
    return c.json({ ...campaign, warnings: await senderWarnings(db, config, { ...campaign, workspaceId: c.get('session').workspaceId }) });
  })
  .post('/campaigns/:id/archive', validate('param', campaignIdParam), ownerOnly('campaign'), audited('campaign.archived', (a) => ({ status: a.status })), async (c) => {
    return c.json(await archiveCampaign(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  })
  .get('/campaigns/:id/stats', validate('param', campaignIdParam), async (c) => {
    return c.json(await campaignStats(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  });
