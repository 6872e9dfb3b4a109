import { Hono } from 'hono';
import { IANAZone } from 'luxon';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { pageQuery, sendTimesQuery, statsQuery, timelineDaysQuery, type Figures } from '../../../../shared/contracts/dashboard';
import { campaignFigures, dailyTimeline, figuresBetween, hotLeads, sendTimes, templateFigures } from './queries';

const DAY = 86_400_000;

/** The popup's dashboard, all derived from events, scoped to the session's workspace. */
export const dashboardRoutes = new Hono<AppEnv>()
  .get('/dashboard/stats', validate('query', statsQuery), async (c) => {
    const { days, campaignId } = c.req.valid('query');
    const until = new Date();
    const since = new Date(until.getTime() - days * DAY);
    const figures = await figuresBetween(c.get('deps').db, c.get('session').workspaceId, since, until, campaignId);
    return c.json({ since: since.toISOString(), until: until.toISOString(), figures });
  })
  .get('/dashboard/timeline', validate('query', timelineDaysQuery), async (c) => {
    const { days, tz } = c.req.valid('query');
    return c.json({ tz: zone(tz), days: await dailyTimeline(c.get('deps').db, c.get('session').workspaceId, days, tz) });
  })
  .get('/dashboard/momentum', async (c) => {
    const { db } = c.get('deps');
    const { workspaceId } = c.get('session');
    const now = Date.now();
    const [current, previous, leads] = await Promise.all([
      figuresBetween(db, workspaceId, new Date(now - 7 * DAY), new Date(now)),
      figuresBetween(db, workspaceId, new Date(now - 14 * DAY), new Date(now - 7 * DAY)),
      hotLeads(db, workspaceId, new Date(now - 7 * DAY)),
    ]);
    return c.json({ current, previous, change: changeOf(current, previous), hotLeads: leads });
  })
  .get('/dashboard/campaigns', validate('query', pageQuery), async (c) => {
    const { page, limit, days } = c.req.valid('query');
    const { data, total } = await campaignFigures(c.get('deps').db, c.get('session').workspaceId, new Date(Date.now() - days * DAY), page, limit);
    return c.json(paginated(data, total, page, limit));
  })
  .get('/dashboard/templates', validate('query', pageQuery), async (c) => {
    const { days } = c.req.valid('query');
    const data = await templateFigures(c.get('deps').db, c.get('session').workspaceId, new Date(Date.now() - days * DAY));
    return c.json(paginated(data, data.length, 1, Math.max(1, data.length)));
  })
  .get('/dashboard/send-times', validate('query', sendTimesQuery), async (c) => {
    const { days, tz } = c.req.valid('query');
    const result = await sendTimes(c.get('deps').db, c.get('session').workspaceId, new Date(Date.now() - days * DAY), zone(tz));
    return c.json({ tz, ...result });
  });

function zone(tz: string) {
  if (!IANAZone.isValidZone(tz)) throw new ApiError('VALIDATION_ERROR', `Unknown time zone: ${tz}`, [{ path: 'tz', message: 'not an IANA time zone' }]);
  return tz;
}

const HEADLINE = ['sent', 'humanOpens', 'humanClicks', 'replies', 'bounces', 'openRate', 'replyRate'] as const;

function changeOf(current: Figures, previous: Figures) {
  return Object.fromEntries(HEADLINE.map((k) => [k, previous[k] ? Math.round(((current[k] - previous[k]) / previous[k]) * 1000) / 1000 : null]));
}
