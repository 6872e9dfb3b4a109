import { z } from 'zod';
import { replyLabels, type ReplyClassification } from '../../../shared/contracts/ai';
import { aiFor, type AiDeps } from './ai-runtime';
import { completeStructured } from './complete';
import { classifyReplyPrompt } from './prompts';
import { clamp01, inputHash } from './suggest';

const answer = z.object({
  label: z.enum(replyLabels),
  returnDate: z.string().nullable(),
  referralName: z.string().nullable(),
  referralEmail: z.string().nullable(),
  confidence: z.number(),
});

/**
 * Labels a reply to a sales email for the replies/tracking pipeline. Pure and cached like
 * every AI call; throws ApiError AI_NOT_CONFIGURED (503) when no provider is set, so
 * callers fall back to their rule-based classifier.
 */
export async function aiClassifyReply(deps: AiDeps, text: string): Promise<ReplyClassification> {
  const ai = aiFor(deps);
  const input = text.slice(0, ai.maxInputChars);
  const hash = inputHash(ai, 'classify', input);
  const hit = await ai.cache.get(hash);
  if (hit) return JSON.parse(hit) as ReplyClassification;
  const { data } = await completeStructured(ai, { task: 'classify', schema: answer, messages: classifyReplyPrompt(input), temperature: 0 });
  const result: ReplyClassification = {
    label: data.label,
    ...(data.label === 'out_of_office' && data.returnDate && /^\d{4}-\d{2}-\d{2}/.test(data.returnDate) ? { returnDate: data.returnDate.slice(0, 10) } : {}),
    ...(data.label === 'referral' && (data.referralName || data.referralEmail)
      ? { referral: { ...(data.referralName ? { name: data.referralName } : {}), ...(data.referralEmail && z.email().safeParse(data.referralEmail).success ? { email: data.referralEmail.toLowerCase() } : {}) } }
      : {}),
    confidence: clamp01(data.confidence),
  };
  await ai.cache.set(hash, JSON.stringify(result));
  return result;
}
