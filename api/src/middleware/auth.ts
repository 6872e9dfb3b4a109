import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context';
import { ApiError } from '../lib/api-error';
import { resolveSession } from '../modules/auth/service';
import { countBadToken, refuseIfBadTokenLimited } from './rate-limit';
import type { Role } from '../../../shared/contracts/auth';

const rank: Record<Role, number> = { viewer: 0, member: 1, admin: 2 };

/** Bearer session → `c.get('session')`. The workspace always comes from here, never from a body. */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('UNAUTHORIZED', 'Missing bearer token');
    await refuseIfBadTokenLimited(c);
    const session = await resolveSession(c.get('deps').db, match[1]!);
    if (!session) {
      await countBadToken(c);
      throw new ApiError('UNAUTHORIZED', 'Invalid or expired token');
    }
    c.set('session', session);
    await next();
  };
}

/** Viewers read; writing takes `member`; workspace administration takes `admin`. */
export function requireRole(min: Role): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    const session = c.get('session');
    if (!session || rank[session.role] < rank[min]) {
      throw new ApiError('FORBIDDEN', `This action needs the ${min} role`);
    }
    await next();
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Applied to all of /api: a viewer can read everything and write nothing (signing out aside). */
export function viewersReadOnly(allow: string[] = ['/api/auth/logout']): MiddlewareHandler<AppEnv> {
  return async function viewersReadOnly(c, next) {
    if (!SAFE.has(c.req.method) && c.get('session')?.role === 'viewer' && !allow.includes(c.req.path)) {
      throw new ApiError('FORBIDDEN', 'Viewers cannot make changes');
    }
    await next();
  };
}
