import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { paginated } from '../../lib/pagination';
import { listRepliesQuery } from '../../../../shared/contracts/replies';
import { listReplies } from './list';

/** `GET /api/replies`: what came back — replies with their meaning, out-of-office notes, bounces. */
export const replyListRoutes = new Hono<AppEnv>().get('/replies', validate('query', listRepliesQuery), async (c) => {
  const query = c.req.valid('query');
  const { rows, total } = await listReplies(c.get('deps').db, c.get('session'), query);
  return c.json(paginated(rows, total, query.page, query.limit));
});
