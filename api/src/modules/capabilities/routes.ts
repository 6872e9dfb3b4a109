import { Hono } from 'hono';
import type { AppEnv } from '../../context';
import type { Capabilities } from '../../../../shared/contracts/capabilities';

/**
 * GET /api/capabilities: read from the configuration only (the same conditions the AI,
 * Google and sandbox routes check), so it never opens a connection and never fails.
 */
export const capabilityRoutes = new Hono<AppEnv>().get('/capabilities', (c) => {
  const { ai, google, sandboxLogin } = c.get('deps').config;
  const aiConfigured = Boolean(ai.baseUrl && ai.model);
  const body: Capabilities = {
    ai: { configured: aiConfigured, hint: aiConfigured ? null : 'AI writing is off on this Lumina server: ask whoever runs it to set AI_BASE_URL and AI_MODEL.' },
    googleSignIn: Boolean(google.clientId && google.clientSecret),
    sandboxLogin,
  };
  return c.json(body);
});
