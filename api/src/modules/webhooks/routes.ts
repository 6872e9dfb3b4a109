import { Hono } from 'hono';
import { and, desc, eq } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireRole } from '../../middleware/auth';
import { ApiError, notFound } from '../../lib/api-error';
import { assertPublicTarget, BlockedAddressError } from '../../lib/ssrf';
import { randomToken } from '../../lib/crypto';
import { listPage, paginated } from '../../lib/pagination';
import { webhookDeliveries, webhooks } from '../../../../db/schema';
import { pageQuerySchema } from '../../../../shared/errors';
import { audited } from '../admin/audit';
import { createWebhookRequest, updateWebhookRequest, webhookIdParam } from '../../../../shared/contracts/webhooks';

/** Outgoing webhooks: workspace admins only. The signing secret is shown once, at creation. */
export const webhookRoutes = new Hono<AppEnv>()
  .use('/webhooks', requireRole('admin'))
  .use('/webhooks/*', requireRole('admin'))
  .get('/webhooks', validate('query', pageQuerySchema), async (c) => {
    const { db } = c.get('deps');
    const q = c.req.valid('query');
    const where = eq(webhooks.workspaceId, c.get('session').workspaceId);
    const { rows, total } = await listPage(db, q, { rows: db.select().from(webhooks).where(where).orderBy(desc(webhooks.createdAt)), from: webhooks, where });
    return c.json(paginated(rows.map(toJson), total, q.page, q.limit));
  })
  .post('/webhooks', validate('json', createWebhookRequest), audited('webhook.created', (a) => ({ url: a.url, events: a.events })), async (c) => {
    const body = c.req.valid('json');
    await checkTarget(c.get('deps').config, body.url);
    const secret = `whsec_${randomToken()}`;
    const [row] = await c
      .get('deps')
      .db.insert(webhooks)
      .values({ workspaceId: c.get('session').workspaceId, url: body.url, events: [...new Set(body.events)], secret, active: body.active ?? true })
      .returning();
    return c.json({ ...toJson(row!), secret }, 201);
  })
  .get('/webhooks/:id', validate('param', webhookIdParam), async (c) => {
    return c.json(toJson(await findHook(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id)));
  })
  .patch('/webhooks/:id', validate('param', webhookIdParam), validate('json', updateWebhookRequest), audited('webhook.updated', (a) => ({ url: a.url, events: a.events, active: a.active })), async (c) => {
    const { db } = c.get('deps');
    const hook = await findHook(db, c.get('session').workspaceId, c.req.valid('param').id);
    const body = c.req.valid('json');
    if (body.url) await checkTarget(c.get('deps').config, body.url);
    const [row] = await db
      .update(webhooks)
      .set({ ...(body.url ? { url: body.url } : {}), ...(body.events ? { events: [...new Set(body.events)] } : {}), ...(body.active !== undefined ? { active: body.active } : {}) })
      .where(eq(webhooks.id, hook.id))
      .returning();
    return c.json(toJson(row!));
  })
  .delete('/webhooks/:id', validate('param', webhookIdParam), audited('webhook.deleted'), async (c) => {
    const { db } = c.get('deps');
    const hook = await findHook(db, c.get('session').workspaceId, c.req.valid('param').id);
    await db.delete(webhooks).where(eq(webhooks.id, hook.id));
    return c.body(null, 204);
  })
  .get('/webhooks/:id/deliveries', validate('param', webhookIdParam), validate('query', pageQuerySchema), async (c) => {
    const { db } = c.get('deps');
    const hook = await findHook(db, c.get('session').workspaceId, c.req.valid('param').id);
    const q = c.req.valid('query');
    const where = eq(webhookDeliveries.webhookId, hook.id);
    const { rows, total } = await listPage(db, q, {
      rows: db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt)),
      from: webhookDeliveries,
      where,
    });
    const data = rows.map((d) => ({ ...d, deliveredAt: d.deliveredAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(), webhookId: undefined }));
    return c.json(paginated(data, total, q.page, q.limit));
  });

async function checkTarget(config: { webhookAllowPrivate: boolean }, url: string) {
  if (config.webhookAllowPrivate) return;
  try {
    await assertPublicTarget(url);
  } catch (err) {
    if (!(err instanceof BlockedAddressError)) throw err;
    throw new ApiError('VALIDATION_ERROR', 'Webhooks cannot target private, loopback or link-local addresses', [{ path: 'url', message: err.message }]);
  }
}

async function findHook(db: AppEnv['Variables']['deps']['db'], workspaceId: string, id: string) {
  const [hook] = await db.select().from(webhooks).where(and(eq(webhooks.id, id), eq(webhooks.workspaceId, workspaceId)));
  if (!hook) throw notFound('Webhook');
  return hook;
}

function toJson(h: typeof webhooks.$inferSelect) {
  return { id: h.id, url: h.url, events: h.events, active: h.active, createdAt: h.createdAt.toISOString() };
}
