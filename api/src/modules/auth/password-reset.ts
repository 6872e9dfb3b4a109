import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { mailboxes, memberships, passwordResets, sessions, users } from '../../../../db/schema';
import { randomToken, sha256 } from '../../lib/crypto';
import { ApiError } from '../../lib/api-error';
import { buildMime } from '../../gmail/mime';
import { sendRaw } from '../../gmail/messages';
import { namedLimiter } from '../../middleware/rate-limit';
import { recordAudit } from '../admin/audit';
import { mailboxGmail } from '../mailboxes/gmail';
import { LOCKOUT, MIN_SCORE, PASSWORD_RULE, checkPasswordStrength, hashPassword, type AuthDeps } from './password';

/** A reset link works for this long, once. */
export const RESET_TTL_MS = 60 * 60_000;
/** Reset mails per address per hour (beyond the per-IP sign-in limit): a stranger cannot flood someone's inbox. */
const MAILS_PER_HOUR = 3;
export const RESET_REQUESTED_MESSAGE = 'If an account with a password uses this address, a link to choose a new password is on its way. It works once, for one hour.';

/** Mails being sent after their request was answered: a test (or a shutdown) can wait for them. */
const sending = new Set<Promise<void>>();
export const resetMailsSettled = () => Promise.allSettled([...sending]);

/**
 * Asks for a reset link. The answer never says whether the address has an account: the
 * caller gets the same words either way, and the mail is built and sent after the answer
 * (so the time taken says nothing either). Only accounts with a password get a link; a
 * Google account is never given one this way.
 */
export function requestPasswordReset(deps: AuthDeps, rawEmail: string): { ok: true; message: string } {
  const email = rawEmail.trim().toLowerCase();
  const job = sendResetMail(deps, email).catch((err: unknown) => deps.logger.error({ err }, 'password reset mail failed'));
  sending.add(job);
  void job.finally(() => sending.delete(job));
  return { ok: true, message: RESET_REQUESTED_MESSAGE };
}

/**
 * Sets the new password from a reset link: the token is claimed once, in the same
 * transaction that changes the password and signs every session of the account out.
 * A weak password is refused before anything is written, so the link still works.
 */
export async function resetPassword(deps: AuthDeps, input: { token: string; password: string }): Promise<{ ok: true; message: string }> {
  const { db } = deps;
  const tokenHash = sha256(input.token);
  const [open] = await db
    .select({ id: passwordResets.id, userId: passwordResets.userId, email: users.email, name: users.name })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())));
  if (!open) throw linkGone();
  const strength = checkPasswordStrength(input.password, [open.email, open.name ?? '']);
  if (!strength.ok) throw new ApiError('VALIDATION_ERROR', `The password needs ${PASSWORD_RULE}`, [{ path: 'password', message: `strength ${strength.score} of 4; needs ${MIN_SCORE}` }]);
  const passwordHash = await hashPassword(input.password);

  const ended = await db.transaction(async (tx) => {
    // Single use: only the first of two racing submissions claims the row.
    const [claimed] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.id, open.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())))
      .returning({ id: passwordResets.id });
    if (!claimed) throw linkGone();
    // Any other open link of the account goes with it.
    await tx.update(passwordResets).set({ usedAt: new Date() }).where(and(eq(passwordResets.userId, open.userId), isNull(passwordResets.usedAt)));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, open.userId));
    const gone = await tx.delete(sessions).where(eq(sessions.userId, open.userId)).returning({ id: sessions.id });
    for (const workspaceId of await workspacesOf(tx, open.userId)) {
      await recordAudit(tx, { workspaceId, actorId: open.userId, action: 'auth.password_reset', target: open.email, data: { sessionsEnded: gone.length } });
    }
    return gone.length;
  });
  // Whoever proved they hold the mailbox is not kept out by the wrong guesses before.
  await namedLimiter(deps, 'pw-fail', LOCKOUT).delete(open.email).catch(() => {});
  return { ok: true, message: `Your password is changed${ended ? ` and ${ended === 1 ? 'the session that was open is' : `the ${ended} sessions that were open are`} signed out` : ''}. Sign in with the new one.` };
}

/** Whether a link still works (the console says so before anyone types a new password). */
export async function resetLinkOpen(db: AuthDeps['db'], token: string): Promise<boolean> {
  if (!token) return false;
  const [row] = await db
    .select({ id: passwordResets.id })
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, sha256(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, new Date())));
  return Boolean(row);
}

/** The console page a reset link opens. */
export const resetLink = (publicUrl: string, token: string) => `${publicUrl}/console/reset-password?${new URLSearchParams({ token })}`;

async function sendResetMail(deps: AuthDeps, email: string) {
  const { db, config, logger } = deps;
  const limiter = namedLimiter(deps, 'pw-reset-mail', { points: MAILS_PER_HOUR, duration: 3600 });
  const allowed = await limiter.consume(email).then(() => true, () => false);
  if (!allowed) return logger.warn('password reset: too many requests for one address this hour; no mail sent');
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user?.passwordHash) return; // no account, or one that signs in with Google: nothing to reset
  const homes = await workspacesOf(db, user.id);
  const from = await senderFor(deps, user.id, homes);
  if (!from) {
    for (const workspaceId of homes) await recordAudit(db, { workspaceId, actorId: user.id, action: 'auth.password_reset_requested', target: email, data: { sent: false, reason: 'no connected mailbox to send from' } });
    return logger.warn({ userId: user.id }, 'password reset: no active mailbox in the account’s workspaces to send the link from');
  }

  const token = randomToken();
  await db.transaction(async (tx) => {
    // Asking again retires the older links: only the newest mail works.
    await tx.update(passwordResets).set({ usedAt: new Date() }).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await tx.insert(passwordResets).values({ userId: user.id, tokenHash: sha256(token), expiresAt: new Date(Date.now() + RESET_TTL_MS) });
  });
  const link = resetLink(config.publicUrl, token);
  const mime = await buildMime({
    from: { name: 'Lumina', address: from.email },
    to: email,
    subject: 'Choose a new Lumina password',
    html: `<p>Someone (we hope you) asked to reset the password of your Lumina account ${escapeHtml(email)}.</p>
<p><a href="${escapeHtml(link)}">Choose a new password</a></p>
<p>The link works once, for one hour. Using it signs your account out everywhere. If you did not ask, ignore this mail: your password stays as it is.</p>`,
    text: `Someone (we hope you) asked to reset the password of your Lumina account ${email}.\n\nChoose a new password: ${link}\n\nThe link works once, for one hour. Using it signs your account out everywhere. If you did not ask, ignore this mail: your password stays as it is.\n`,
    messageId: `<reset-${randomToken().slice(0, 16)}@lumina>`,
  });
  await sendRaw(await mailboxGmail(deps, from), { raw: mime.raw });
  for (const workspaceId of homes) await recordAudit(db, { workspaceId, actorId: user.id, action: 'auth.password_reset_requested', target: email, data: { sent: true, mailbox: from.email } });
}

/** The account's own mailbox first, else an admin's, else any active mailbox of its workspaces. */
async function senderFor(deps: AuthDeps, userId: string, workspaceIds: string[]) {
  if (!workspaceIds.length) return undefined;
  const [box] = await deps.db
    .select({ mailbox: mailboxes })
    .from(mailboxes)
    .leftJoin(memberships, and(eq(memberships.userId, mailboxes.userId), eq(memberships.workspaceId, mailboxes.workspaceId)))
    .where(and(inArray(mailboxes.workspaceId, workspaceIds), eq(mailboxes.status, 'active')))
    .orderBy(sql`(${mailboxes.userId} = ${userId}) desc`, sql`(${memberships.role} = 'admin') desc`, asc(mailboxes.createdAt))
    .limit(1);
  return box?.mailbox;
}

async function workspacesOf(db: Pick<AuthDeps['db'], 'select'>, userId: string): Promise<string[]> {
  const rows = await db.select({ workspaceId: memberships.workspaceId }).from(memberships).where(eq(memberships.userId, userId));
  return rows.map((r) => r.workspaceId);
}

const linkGone = () => new ApiError('NOT_FOUND', 'This reset link is unknown, already used or expired; ask for a new one');
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
