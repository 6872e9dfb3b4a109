import { Hono } from 'hono';
import { IANAZone } from 'luxon';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { paginated } from '../../lib/pagination';
import { momentumQuery, pageQuery, sendTimesQuery, statsQuery, timelineDaysQuery, type Figures, type Scope } from '../../../../shared/contracts/dashboard';
import { campaignFigures, dailyTimeline, figuresBetween, hotLeads, sendTimes, templateFigures, userFiguresBetween } from './queries';
import type { Db } from '../../../../db/client';

const DAY = 86_400_000;

/** The popup's dashboard, all derived from events, scoped to the session's workspace (or, with `scope=me`, to the caller's own sends). */
export const dashboardRoutes = new Hono<AppEnv>()
  .get('/dashboard/stats', validate('query', statsQuery), async (c) => {
    const { days, campaignId, scope } = c.req.valid('query');
    const until = new Date();
    const since = new Date(until.getTime() - days * DAY);
    const figures = campaignId ? await figuresBetween(c.get('deps').db, c.get('session').workspaceId, since, until, campaignId) : await scopedFigures(c.get('deps').db, c.get('session'), scope, since, until);
    return c.json({ since: since.toISOString(), until: until.toISOString(), figures });
  })
  .get('/dashboard/timeline', validate('query', timelineDaysQuery), async (c) => {
    const { days, tz, scope } = c.req.valid('query');
    const s = c.get('session');
    return c.json({ tz: zone(tz), days: await dailyTimeline(c.get('deps').db, s.workspaceId, days, tz, scope === 'me' ? s.userId : undefined) });
  })
  .get('/dashboard/momentum', validate('query', momentumQuery), async (c) => {
    const { db } = c.get('deps');
    const session = c.get('session');
    const { scope } = c.req.valid('query');
    const now = Date.now();
    const [current, previous, leads] = await Promise.all([
      scopedFigures(db, session, scope, new Date(now - 7 * DAY), new Date(now)),
      scopedFigures(db, session, scope, new Date(now - 14 * DAY), new Date(now - 7 * DAY)),
      hotLeads(db, session.workspaceId, new Date(now - 7 * DAY), 10, scope === 'me' ? session.userId : undefined),
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

function scopedFigures(db: Db, session: { workspaceId: string; userId: string }, scope: Scope, since: Date, until: Date) {
  return scope === 'me' ? userFiguresBetween(db, session.workspaceId, session.userId, since, until) : figuresBetween(db, session.workspaceId, since, until);
}

function zone(tz: string) {
  if (!IANAZone.isValidZone(tz)) throw new ApiError('VALIDATION_ERROR', `Unknown time zone: ${tz}`, [{ path: 'tz', message: 'not an IANA time zone' }]);
  return tz;
}

const HEADLINE = ['sent', 'humanOpens', 'humanClicks', 'replies', 'bounces', 'openRate', 'replyRate'] as const;

function changeOf(current: Figures, previous: Figures) {
  return Object.fromEntries(HEADLINE.map((k) => [k, previous[k] ? Math.round(((current[k] - previous[k]) / previous[k]) * 1000) / 1000 : null]));
}
