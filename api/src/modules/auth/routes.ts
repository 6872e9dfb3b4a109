import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { requireAuth } from '../../middleware/auth';
import { ApiError } from '../../lib/api-error';
import { passwordResetConfirm, passwordResetRequest, passwordSignInRequest, passwordSignUpRequest, sandboxLoginRequest } from '../../../../shared/contracts/auth';
import { requestPasswordReset, resetPassword } from './password-reset';
import { signInWithPassword, signUpWithPassword } from './password';
import { createSession, deleteSession, findOrCreateMember, getWorkspace } from './service';
import { ensureSandboxMailbox, sandboxMailEnabled } from '../sandbox/service';
import { users } from '../../../../db/schema';

export const authRoutes = new Hono<AppEnv>()
  .post('/auth/sandbox-login', validate('json', sandboxLoginRequest), async (c) => {
    const { config, db } = c.get('deps');
    if (!config.sandboxLogin) {
      throw new ApiError('FORBIDDEN', 'Sandbox login is off on this server (SANDBOX_LOGIN=false); sign in with Google.');
    }
    const member = await findOrCreateMember(db, c.req.valid('json'), { joinByDomainDefault: config.joinByDomainDefault });
    if (sandboxMailEnabled(config)) await ensureSandboxMailbox({ config, db }, { workspaceId: member.workspace.id, userId: member.user.id, email: member.user.email });
    return c.json(await createSession(db, member, config.sessionTtlMs), 200);
  })
  .post('/auth/password/sign-up', validate('json', passwordSignUpRequest), async (c) => {
    const { config, db } = c.get('deps');
    return c.json(await signUpWithPassword(db, config, c.req.valid('json')), 201);
  })
  .post('/auth/password/sign-in', validate('json', passwordSignInRequest), async (c) => {
    return c.json(await signInWithPassword(c.get('deps'), c.req.valid('json')), 200);
  })
  // The same 202 whether or not the address has an account; the link comes by mail.
  .post('/auth/password/reset-request', validate('json', passwordResetRequest), (c) => c.json(requestPasswordReset(c.get('deps'), c.req.valid('json').email), 202))
  .post('/auth/password/reset', validate('json', passwordResetConfirm), async (c) => c.json(await resetPassword(c.get('deps'), c.req.valid('json'))))
  .post('/auth/logout', requireAuth(), async (c) => {
    await deleteSession(c.get('deps').db, c.get('session'));
    return c.json({ ok: true });
  })
  .get('/me', requireAuth(), async (c) => {
    const { db } = c.get('deps');
    const s = c.get('session');
    const [user] = await db.select().from(users).where(eq(users.id, s.userId));
    const ws = await getWorkspace(db, s.workspaceId);
    return c.json({
      user: { id: user!.id, email: user!.email, name: user!.name },
      workspace: { id: ws.id, name: ws.name, role: s.role, gmailMode: ws.gmailMode },
    });
  });
