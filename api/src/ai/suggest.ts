import { createHash } from 'node:crypto';
import sanitizeHtml from 'sanitize-html';
import type { SuggestionResponse } from '../../../shared/contracts/ai';
import type { AiRuntime } from './ai-runtime';
import type { AiTask } from '../env';
import { PROMPT_VERSION } from './prompts';

export type Produced = Pick<SuggestionResponse, 'suggestion' | 'confidence' | 'model' | 'options'>;

/** The cache key and the `input_hash` of an answer: the same task, model and input hash the same. */
export function inputHash(ai: AiRuntime, task: AiTask, input: unknown): string {
  return createHash('sha256').update(JSON.stringify({ task, model: ai.modelFor(task), v: PROMPT_VERSION, input })).digest('hex');
}

/**
 * Answers from the cache when this exact input was answered before (no provider call),
 * otherwise produces, cleans and caches the suggestion.
 */
export async function cachedSuggestion(ai: AiRuntime, task: AiTask, input: unknown, produce: () => Promise<Produced>): Promise<SuggestionResponse> {
  const hash = inputHash(ai, task, input);
  const hit = await readCached(ai, hash);
  if (hit) return hit;
  const produced = await produce();
  const answer: SuggestionResponse = {
    suggestion: cleanSuggestion(produced.suggestion),
    confidence: clamp01(produced.confidence),
    input_hash: hash,
    model: produced.model,
    cached: false,
    timestamp: new Date().toISOString(),
    ...(produced.options ? { options: produced.options.map(cleanText) } : {}),
  };
  await ai.cache.set(hash, JSON.stringify(answer));
  return answer;
}

async function readCached(ai: AiRuntime, hash: string): Promise<SuggestionResponse | undefined> {
  const raw = await ai.cache.get(hash);
  if (!raw) return undefined;
  return { ...(JSON.parse(raw) as SuggestionResponse), cached: true };
}

export const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** AI text goes into the rep's composer: strip anything but harmless formatting. */
export function cleanText(text: string): string {
  if (!/<[a-zA-Z!/]/.test(text)) return text.trim();
  return sanitizeHtml(text, { allowedTags: ['p', 'br', 'b', 'strong', 'i', 'em', 'ul', 'ol', 'li', 'a'], allowedAttributes: { a: ['href'] }, allowedSchemes: ['https', 'http', 'mailto'] }).trim();
}

function cleanSuggestion(s: SuggestionResponse['suggestion']): SuggestionResponse['suggestion'] {
  return {
    ...(s.subject !== undefined ? { subject: cleanText(s.subject).replace(/\s*\n\s*/g, ' ') } : {}),
    ...(s.body !== undefined ? { body: cleanText(s.body) } : {}),
  };
}
