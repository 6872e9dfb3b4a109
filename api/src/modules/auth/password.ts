import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../../../../db/client';
import type { Config } from '../../env';
import type { Deps } from '../../context';
import { namedLimiter } from '../../middleware/rate-limit';
import { invites, memberships, users } from '../../../../db/schema';
import { hmac, safeEqual } from '../../lib/crypto';
import { ApiError } from '../../lib/api-error';
import { recordAudit } from '../admin/audit';
import { createSession, findOrCreateMember } from './service';
import type { SessionResponse } from '../../../../shared/contracts/auth';

/** OWASP's argon2id floor (19 MiB, 2 passes, 1 lane): ~20 ms a hash here, slow enough for a stolen table. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_LENGTH = 10;
export const MIN_SCORE = 3;
export const PASSWORD_RULE = `at least ${MIN_LENGTH} characters and hard to guess (strength ${MIN_SCORE} of 4): no common words, names, dates or keyboard runs, and not your e-mail address`;

const zxcvbn = new ZxcvbnFactory({ dictionary: zxcvbnCommon.dictionary, graphs: zxcvbnCommon.adjacencyGraphs });

/** The strength rule, with the person's own address and name counted as guessable words. */
export function checkPasswordStrength(password: string, personal: string[]): { ok: true } | { ok: false; score: number } {
  const score = password.length < MIN_LENGTH ? 0 : zxcvbn.check(password, personal.flatMap((p) => [p, ...p.split(/[@.\s]+/)]).filter(Boolean)).score;
  return score >= MIN_SCORE ? { ok: true } : { ok: false, score };
}

export const hashPassword = (password: string) => hash(password, ARGON2);

/**
 * The sign-up link of an invite, without a column: HMAC of the invite's id and creation time.
 * Renewing the invite (a new createdAt) retires older links; single use and expiry are the
 * invite's own (acceptedAt, expiresAt).
 */
export function inviteToken(config: Pick<Config, 'trackingSecret'>, invite: { id: string; createdAt: Date | string }): string {
  const at = new Date(invite.createdAt).getTime();
  return `${invite.id}.${at}.${hmac(`invite:${config.trackingSecret}`, `${invite.id}.${at}`).toString('base64url')}`;
}

async function inviteOfToken(db: Db, config: Pick<Config, 'trackingSecret'>, token: string) {
  const [id, at] = token.split('.');
  const [row] = id && /^[0-9a-f-]{36}$/.test(id)
    ? await db.select().from(invites).where(and(eq(invites.id, id), isNull(invites.acceptedAt), gt(invites.expiresAt, new Date())))
    : [];
  if (!row || String(row.createdAt.getTime()) !== at || !safeEqual(Buffer.from(inviteToken(config, row)), Buffer.from(token))) {
    throw new ApiError('NOT_FOUND', 'This invite link is unknown, already used or expired; ask an admin for a new invite');
  }
  return row;
}

/** Sign-up by invite only: the invited address gets a password account and joins with the invite's role. */
export async function signUpWithPassword(db: Db, config: Config, input: { token: string; password: string; name?: string }): Promise<SessionResponse> {
  const invite = await inviteOfToken(db, config, input.token);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, invite.email));
  // An existing account (Google or password) is never given a password by an invite: that would let whoever holds the link take it over.
  if (existing) throw new ApiError('CONFLICT', 'This address already has an account: sign in with it, then ask the admin to invite you again if needed');
  const strength = checkPasswordStrength(input.password, [invite.email, input.name ?? '']);
  if (!strength.ok) throw new ApiError('VALIDATION_ERROR', `The password needs ${PASSWORD_RULE}`, [{ path: 'password', message: `strength ${strength.score} of 4; needs ${MIN_SCORE}` }]);
  const passwordHash = await hashPassword(input.password);
  await db.insert(users).values({ email: invite.email, name: input.name ?? null, passwordHash }).onConflictDoNothing();
  const member = await findOrCreateMember(db, { email: invite.email, name: input.name });
  if (member.workspace.id !== invite.workspaceId) throw new ApiError('CONFLICT', 'This invite could not be used; ask an admin for a new one');
  return createSession(db, member, config.sessionTtlMs);
}

/**
 * Per-account lockout beside the per-IP sign-in limit: 10 wrong passwords in 15 minutes lock
 * the account for 15 minutes. Counted in Redis when REDIS_URL is set, so N API processes
 * still allow 10 tries in all, not N × 10; in process memory on the embedded default.
 */
export const LOCKOUT = { points: 10, duration: 15 * 60, blockDuration: 15 * 60 } as const;
const lockoutFor = (deps: AuthDeps) => namedLimiter(deps, 'pw-fail', LOCKOUT);
export type AuthDeps = Pick<Deps, 'db' | 'config' | 'logger'>;
// A real hash to verify against when the account does not exist, so a miss takes as long as a wrong password.
let decoy: Promise<string> | undefined;

export async function signInWithPassword(deps: AuthDeps, input: { email: string; password: string }): Promise<SessionResponse> {
  const { db, config } = deps;
  const email = input.email.trim().toLowerCase();
  const lockout = lockoutFor(deps);
  const state = await lockout.get(email);
  if (state && state.consumedPoints >= lockout.points) {
    const seconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    throw new ApiError('RATE_LIMITED', `Too many wrong passwords for this account; try again in ${seconds}s.`, { retryAfterSeconds: seconds }, { 'Retry-After': String(seconds) });
  }
  const [user] = await db.select().from(users).where(eq(users.email, email));
  const ok = await verify(user?.passwordHash ?? (await (decoy ??= hashPassword('decoy-password-never-matches'))), input.password).catch(() => false);
  if (!user?.passwordHash || !ok) {
    const counted = await lockout.consume(email).catch((err) => {
      if (!(err instanceof RateLimiterRes)) throw err;
      return err;
    });
    if (user) {
      // Into each workspace the account belongs to: its admins see attempts on their people,
      // and the burst that locks the account as one row of its own (written once, when it locks).
      const homes = await db.select({ workspaceId: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, user.id));
      const locks = counted.consumedPoints === LOCKOUT.points;
      for (const h of homes) {
        await recordAudit(db, { workspaceId: h.workspaceId, actorId: user.id, action: 'auth.sign_in_failed', target: email, data: { method: 'password' } });
        if (locks) {
          await recordAudit(db, { workspaceId: h.workspaceId, actorId: user.id, action: 'auth.sign_in_locked', target: email, data: { method: 'password', failures: LOCKOUT.points, withinSeconds: LOCKOUT.duration, lockedForSeconds: LOCKOUT.blockDuration } });
        }
      }
    }
    throw new ApiError('UNAUTHORIZED', 'Wrong e-mail address or password');
  }
  await lockout.delete(email);
  return createSession(db, await findOrCreateMember(db, { email }), config.sessionTtlMs);
}
