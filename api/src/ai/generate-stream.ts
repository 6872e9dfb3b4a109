import { z } from 'zod';
import type { Deps } from '../context';
import type { SuggestionResponse } from '../../../shared/contracts/ai';
import { scoreEmail } from '../../../shared/score/score-email';
import { ApiError } from '../lib/api-error';
import { aiFor } from './ai-runtime';
import { requireClient, streamCompletion } from './complete';
import { generatePrompt } from './prompts';
import { cachedSuggestion } from './suggest';
import type { GenerateInput } from './tasks';

const streamedEmail = z.object({ subject: z.string().max(300).optional(), body: z.string().trim().min(1).max(20_000) });

/**
 * `generate`, streamed: `onToken` gets the text as it arrives (for the Glow panel), and the
 * result is the validated suggestion, cached under the same input hash as the unstreamed
 * call. Streamed answers are plain text ("Subject: …", blank line, body) because partial
 * JSON is no use to a reader; confidence is then the heuristic score of the result.
 * A cached answer arrives as a single token.
 */
export async function aiGenerateStream(deps: Deps, input: GenerateInput, onToken: (delta: string) => Promise<void>): Promise<SuggestionResponse> {
  const ai = aiFor(deps);
  requireClient(ai);
  let streamed = false;
  const answer = await cachedSuggestion(ai, 'generate', input, async () => {
    streamed = true;
    const tokens = streamCompletion(ai, { task: 'generate', messages: generatePrompt(input, 'text'), temperature: 0.7 });
    let text = '';
    let next = await tokens.next();
    while (!next.done) {
      text += next.value;
      await onToken(next.value);
      next = await tokens.next();
    }
    const parsed = streamedEmail.safeParse(splitSubject(text));
    if (!parsed.success) throw new ApiError('AI_PROVIDER_ERROR', 'The AI provider streamed an empty or oversized email; try again.');
    const score = scoreEmail({ subject: parsed.data.subject ?? '', body: parsed.data.body, prospect: input.prospect });
    return { suggestion: parsed.data, confidence: score.score / 100, model: next.value.model };
  });
  if (!streamed) await onToken(`${answer.suggestion.subject ? `Subject: ${answer.suggestion.subject}\n\n` : ''}${answer.suggestion.body ?? ''}`);
  return answer;
}

export function splitSubject(text: string): { subject?: string; body: string } {
  const m = /^\s*subject:[ \t]*(.*)\r?\n([\s\S]*)$/i.exec(text);
  if (!m) return { body: text.trim() };
  return { subject: m[1]!.trim(), body: m[2]!.trim() };
}
