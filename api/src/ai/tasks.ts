import { z } from 'zod';
import type { Deps } from '../context';
import type { Draft, ProspectInput, SuggestionResponse, Tone } from '../../../shared/contracts/ai';
import { aiFor } from './ai-runtime';
import { completeStructured } from './complete';
import { personalizePrompt, rewritePrompt, subjectLinesPrompt, generatePrompt, critiquePrompt } from './prompts';
import { cachedSuggestion, inputHash } from './suggest';

// One function per task, each with the zod schema of what the model must answer.

const rewrittenEmail = z.object({ subject: z.string().max(300), body: z.string().min(1).max(20_000), confidence: z.number() });

export async function aiPersonalize(deps: Deps, input: { draft: Draft; prospect?: ProspectInput; tone?: Tone }): Promise<SuggestionResponse> {
  const ai = aiFor(deps);
  return cachedSuggestion(ai, 'personalize', input, async () => {
    const { data, model } = await completeStructured(ai, { task: 'personalize', schema: rewrittenEmail, messages: personalizePrompt(input.draft, input.prospect, input.tone) });
    return { suggestion: { subject: data.subject, body: data.body }, confidence: data.confidence, model };
  });
}

export async function aiRewrite(deps: Deps, input: { draft: Draft; instruction?: string; tone?: Tone }): Promise<SuggestionResponse> {
  const ai = aiFor(deps);
  return cachedSuggestion(ai, 'rewrite', input, async () => {
    const { data, model } = await completeStructured(ai, { task: 'rewrite', schema: rewrittenEmail, messages: rewritePrompt(input.draft, input.instruction, input.tone) });
    return { suggestion: { subject: data.subject, body: data.body }, confidence: data.confidence, model };
  });
}

export async function aiSubjectLines(deps: Deps, input: { draft: Draft; count: number }): Promise<SuggestionResponse> {
  const ai = aiFor(deps);
  // At least three different lines (the contract's floor) or the answer counts as malformed and is asked for again.
  const options = z.array(z.string().min(1).max(200)).min(3).max(input.count).refine((o) => rankSubjects(o).length >= 3, 'needs 3 different subject lines');
  const schema = z.object({ options, confidence: z.number() });
  return cachedSuggestion(ai, 'subject-lines', input, async () => {
    const { data, model } = await completeStructured(ai, { task: 'subject-lines', schema, messages: subjectLinesPrompt(input.draft, input.count) });
    const options = rankSubjects(data.options);
    return { suggestion: { subject: options[0] }, options, confidence: data.confidence, model };
  });
}

export interface GenerateInput {
  goal: string;
  tone: Tone;
  prospect?: ProspectInput;
  template?: { subject: string; body: string };
}

export async function aiGenerate(deps: Deps, input: GenerateInput): Promise<SuggestionResponse> {
  const ai = aiFor(deps);
  return cachedSuggestion(ai, 'generate', input, async () => {
    const { data, model } = await completeStructured(ai, { task: 'generate', schema: rewrittenEmail, messages: generatePrompt(input, 'json'), temperature: 0.7 });
    return { suggestion: { subject: data.subject, body: data.body }, confidence: data.confidence, model };
  });
}

const critique = z.object({
  issues: z.array(z.object({ severity: z.enum(['info', 'warning', 'error']), message: z.string().min(1).max(500), quote: z.string().max(1_000).nullable() })).max(8),
});

export type Critique = z.infer<typeof critique> & { model: string; cached: boolean; input_hash: string };

/** The LLM's review of a draft, cached like any suggestion (the score endpoint merges it into its signals). */
export async function aiCritique(deps: Deps, input: { draft: Draft; prospect?: ProspectInput }): Promise<Critique> {
  const ai = aiFor(deps);
  const hash = inputHash(ai, 'critique', input);
  const hit = await ai.cache.get(hash);
  if (hit) return { ...(JSON.parse(hit) as Critique), cached: true };
  const { data, model } = await completeStructured(ai, { task: 'critique', schema: critique, messages: critiquePrompt(input.draft, input.prospect), temperature: 0.2 });
  const review: Critique = { ...data, model, cached: false, input_hash: hash };
  await ai.cache.set(hash, JSON.stringify(review));
  return review;
}

/** Short subjects first (3–7 words is the sweet spot), otherwise the model's order; duplicates (ignoring case and spacing) dropped. */
export function rankSubjects(options: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const o of options.map((x) => x.trim().replace(/\s+/g, ' ')).filter(Boolean)) if (!byKey.has(o.toLowerCase())) byKey.set(o.toLowerCase(), o);
  const unique = [...byKey.values()];
  const words = (s: string) => s.split(' ').length;
  const band = (s: string) => (words(s) >= 3 && words(s) <= 7 ? 0 : words(s) < 3 ? 1 : 2);
  return unique.map((s, i) => ({ s, i })).sort((a, b) => band(a.s) - band(b.s) || a.i - b.i).map((x) => x.s);
}
