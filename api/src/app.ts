import { Hono } from 'hono';
import { requestId } from './middleware/request-id';
import { bodyLimit } from './middleware/body-limit';
import { MAX_IMPORT_BYTES } from './modules/prospects/upload';
import type { AppEnv, Deps } from './context';
import { onError, onNotFound, errorResponse } from './middleware/errors';
import { requestLog } from './middleware/logging';
import { refuseNul } from './middleware/no-nul';
import { rateLimitSignIn } from './middleware/rate-limit';
import { requireAuth, viewersReadOnly } from './middleware/auth';
import { healthRoutes } from './modules/health/routes';
import { authRoutes } from './modules/auth/routes';
import { draftRoutes } from './modules/drafts/routes';
import { emailRoutes } from './modules/emails/routes';
import { mailboxRoutes } from './modules/mailboxes/routes';
import { suppressionRoutes } from './modules/suppressions/routes';
import { trackingRoutes } from './modules/tracking/routes';
import { selfViewRoutes } from './modules/tracking/self-view-routes';
import { trackingDomainRoutes } from './modules/tracking/domain-routes';
import { observedRoutes } from './modules/replies/observed-routes';
import { replySettingsRoutes } from './modules/replies/settings-routes';
import { replyListRoutes } from './modules/replies/list-routes';
import { eventRoutes } from './modules/events/routes';
import { dashboardRoutes } from './modules/dashboard/routes';
import { analyticsRoutes } from './modules/analytics/routes';
import { webhookRoutes } from './modules/webhooks/routes';
import { prospectRoutes } from './modules/prospects/routes';
import { settingsRoutes } from './modules/settings/routes';
import { privacyRoutes } from './modules/privacy/routes';
import { templateRoutes } from './modules/templates/routes';
import { aiRoutes } from './modules/ai/routes';
import { adminRoutes } from './modules/admin/routes';
import { campaignRoutes } from './modules/campaigns/routes';
import { classifyRoutes } from './modules/replies/classify-routes';
import { sandboxRoutes } from './modules/sandbox/routes';
import { googleAuthRoutes } from './modules/google-auth/routes';
import { capabilityRoutes } from './modules/capabilities/routes';
import { consoleRoutes } from '../console/routes';

/** Paths under /api that answer without a session. */
const PUBLIC_API = [/^\/api\/auth\/(sandbox-login|google\/(start|callback)|password\/(sign-in|sign-up|reset-request|reset))$/, /^\/api\/capabilities$/];

/** Composes the Hono app from one router per domain. Deps come from the caller (server or test). */
export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.use('*', requestId(), async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog());
  const limitBody = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', 413, `Body over the ${deps.config.bodyLimitBytes}-byte limit`),
  });
  // A CSV import streams to disk under its own, larger limit (modules/prospects/upload.ts).
  // The console's upload form is held by the form parser, so it keeps a limit: the import's own.
  const limitImportForm = bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: (c) => errorResponse(c, 'PAYLOAD_TOO_LARGE', 413, `The CSV is over the ${MAX_IMPORT_BYTES / 1024 / 1024} MB import limit`) });
  app.use('*', (c, next) =>
    c.req.method === 'POST' && c.req.path === '/api/prospects/import' ? next() : c.req.method === 'POST' && c.req.path === '/console/prospects/import' ? limitImportForm(c, next) : limitBody(c, next),
  );
  app.use('/api/*', refuseNul());
  app.use('/api/auth/sandbox-login', rateLimitSignIn());
  app.use('/api/auth/google/*', rateLimitSignIn());
  app.use('/api/auth/password/*', rateLimitSignIn());
  app.on('POST', ['/console/login', '/console/token', '/console/forgot-password', '/console/reset-password'], rateLimitSignIn());
  app.use('/console/*', refuseNul());
  app.use('/api/*', async (c, next) => {
    if (PUBLIC_API.some((re) => re.test(c.req.path))) return next();
    return requireAuth()(c, next);
  });
  app.use('/api/*', viewersReadOnly());

  app.route('/', healthRoutes);
  app.route('/api', authRoutes);
  app.route('/api', draftRoutes);
  app.route('/api', emailRoutes);
  app.route('/api', mailboxRoutes);
  app.route('/api', suppressionRoutes);
  app.route('/', trackingRoutes);
  app.route('/api', selfViewRoutes);
  app.route('/api', trackingDomainRoutes);
  app.route('/api', observedRoutes);
  app.route('/api', replySettingsRoutes);
  app.route('/api', replyListRoutes);
  app.route('/api', eventRoutes);
  app.route('/api', dashboardRoutes);
  app.route('/api', analyticsRoutes);
  app.route('/api', webhookRoutes);
  app.route('/api', privacyRoutes);
  app.route('/api', settingsRoutes);
  app.route('/api', prospectRoutes);
  app.route('/api', templateRoutes);
  app.route('/api', aiRoutes);
  app.route('/api', adminRoutes);
  app.route('/api', campaignRoutes);
  app.route('/api', classifyRoutes);
  app.route('/api', sandboxRoutes);
  app.route('/api', googleAuthRoutes);
  app.route('/api', capabilityRoutes);
  app.route('/console', consoleRoutes);

  app.onError(onError);
  app.notFound(onNotFound);

  return app;
}

export type App = ReturnType<typeof createApp>;
