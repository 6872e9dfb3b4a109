import { aiClassifyReply } from '../../ai/classify-reply';
import type { AiDeps } from '../../ai/ai-runtime';
import type { ReplyClassification } from '../../../../shared/contracts/ai';
import type { RefineReply } from './classify/classify';

/** Below this the model is guessing; the rule's answer stands. */
export const MIN_REFINE_CONFIDENCE = 0.6;

/**
 * The AI reply classifier as a second opinion on ambiguous human replies, or undefined when
 * no provider is configured. It may only move a reply between "reply" and "unsubscribe
 * request": whether mail is a bounce or an auto-reply is read from its headers and reports,
 * never guessed from the words.
 */
export function aiReplyRefiner(deps: AiDeps): RefineReply | undefined {
  const { baseUrl, model } = deps.config.ai;
  if (!baseUrl || !model) return undefined;
  return async function aiRefine(ownText) {
    const answer = await aiClassifyReply(deps, ownText);
    if (answer.confidence < MIN_REFINE_CONFIDENCE) return null;
    return KIND_OF[answer.label] ?? null;
  };
}

const KIND_OF: Partial<Record<ReplyClassification['label'], 'reply' | 'unsubscribe_request'>> = {
  unsubscribe: 'unsubscribe_request',
  interested: 'reply',
  not_interested: 'reply',
  referral: 'reply',
};
