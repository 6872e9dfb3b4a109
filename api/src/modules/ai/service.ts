import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import { aiFeedback, prospects, templates } from '../../../../db/schema';
import type { SessionInfo } from '../../context';
import { ApiError, notFound } from '../../lib/api-error';
import type { ProspectInput } from '../../../../shared/contracts/ai';

/** A stored prospect as AI input, from this workspace only (another workspace's id is 404). */
export async function loadProspect(db: Db, workspaceId: string, id: string): Promise<ProspectInput> {
  const [p] = await db
    .select({ email: prospects.email, firstName: prospects.firstName, lastName: prospects.lastName, company: prospects.company, title: prospects.title, customFields: prospects.customFields })
    .from(prospects)
    .where(and(eq(prospects.id, id), eq(prospects.workspaceId, workspaceId)));
  if (!p) throw notFound('Prospect');
  return p;
}

export async function loadTemplate(db: Db, workspaceId: string, id: string): Promise<{ subject: string; body: string }> {
  const [t] = await db
    .select({ subject: templates.subject, body: templates.bodyHtml })
    .from(templates)
    .where(and(eq(templates.id, id), eq(templates.workspaceId, workspaceId)));
  if (!t) throw notFound('Template');
  return t;
}

/** The one write of the AI module: what the rep did with a suggestion, for later learning. */
export async function recordFeedback(db: Db, session: SessionInfo, input: { inputHash: string; action: 'accepted' | 'rejected' | 'edited'; task?: string }) {
  const [row] = await db
    .insert(aiFeedback)
    .values({ workspaceId: session.workspaceId, userId: session.userId, inputHash: input.inputHash, action: input.action, task: input.task ?? null })
    .returning({ id: aiFeedback.id, createdAt: aiFeedback.createdAt });
  return { id: row!.id, createdAt: row!.createdAt.toISOString() };
}

/** AI inputs are capped well below the body limit: a 413 says so instead of a slow, costly call. */
export function capInput(input: unknown, maxChars: number): void {
  const size = JSON.stringify(input).length;
  if (size > maxChars) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `AI input is ${size} characters; the limit is ${maxChars} (AI_MAX_INPUT_CHARS).`, { size, limit: maxChars });
  }
}
