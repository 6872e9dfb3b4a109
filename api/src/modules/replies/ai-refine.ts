import { aiClassifyReply } from '../../ai/classify-reply';
import type { AiDeps } from '../../ai/ai-runtime';
import type { ReplyClassification } from '../../../../shared/contracts/ai';
import type { RefineReply, RefinedReply } from './classify/classify';

/** Below this the model is guessing; the rule's answer stands. */
export const MIN_REFINE_CONFIDENCE = 0.6;

/**
 * The AI reply classifier as a second opinion on human replies the rules could not place (or
 * whose opt-out wording was unclear), or undefined when no provider is configured. It may
 * only choose among the meanings of a person's reply (interested, objection, referral,
 * unsubscribe request…): whether mail is a bounce or an auto-reply is read from its headers
 * and reports, never guessed from the words.
 */
export function aiReplyRefiner(deps: AiDeps): RefineReply | undefined {
  const { baseUrl, model } = deps.config.ai;
  if (!baseUrl || !model) return undefined;
  return async function aiRefine(ownText) {
    const answer = await aiClassifyReply(deps, ownText);
    if (answer.confidence < MIN_REFINE_CONFIDENCE) return null;
    const meaning = MEANING_OF[answer.label];
    if (!meaning) return null;
    if (meaning !== 'referral' || !answer.referral) return { meaning };
    const { name, email } = answer.referral;
    return { meaning, referral: { ...(name ? { name } : {}), ...(email ? { email: email.toLowerCase() } : {}) } };
  };
}

type HumanMeaning = Exclude<RefinedReply, string>['meaning'];

const MEANING_OF: Partial<Record<ReplyClassification['label'], HumanMeaning>> = {
  unsubscribe: 'unsubscribe_request',
  interested: 'interested',
  not_interested: 'objection',
  referral: 'referral',
};
