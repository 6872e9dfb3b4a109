import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv, Deps } from '../../context';
import { validate } from '../../middleware/validate';
import { ApiError } from '../../lib/api-error';
import { aiFor } from '../../ai/ai-runtime';
import { requireClient } from '../../ai/complete';
import { aiCritique, aiGenerate, aiPersonalize, aiRewrite, aiSubjectLines, type GenerateInput } from '../../ai/tasks';
import { aiGenerateStream } from '../../ai/generate-stream';
import { scoreEmail } from '../../../../shared/score/score-email';
import {
  feedbackRequest, generateRequest, personalizeRequest, rewriteRequest, scoreRequest, subjectLinesRequest,
  type Draft, type ProspectInput, type ScoreResponse, type ScoreSignal,
} from '../../../../shared/contracts/ai';
import { aiRateLimit } from './rate-limit';
import { capInput, loadProspect, loadTemplate, recordFeedback } from './service';

/**
 * The AI endpoints. All pure (they read, never write domain tables, never send) except
 * /ai/feedback, which records what the rep did with a suggestion.
 */
export const aiRoutes = new Hono<AppEnv>()
  .post('/ai/personalize', aiRateLimit(), validate('json', personalizeRequest), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    writingReady(deps, body);
    const prospect = body.prospectId ? await loadProspect(deps.db, c.get('session').workspaceId, body.prospectId) : body.prospect;
    return c.json(await aiPersonalize(deps, { draft: body.draft, prospect, tone: body.tone }));
  })
  .post('/ai/rewrite', aiRateLimit(), validate('json', rewriteRequest), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    writingReady(deps, body);
    return c.json(await aiRewrite(deps, body));
  })
  .post('/ai/subject-lines', aiRateLimit(), validate('json', subjectLinesRequest), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    writingReady(deps, body);
    return c.json(await aiSubjectLines(deps, body));
  })
  .post('/ai/generate', aiRateLimit(), validate('json', generateRequest), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    writingReady(deps, body);
    const workspaceId = c.get('session').workspaceId;
    const input: GenerateInput = {
      goal: body.goal,
      tone: body.tone,
      prospect: body.prospectId ? await loadProspect(deps.db, workspaceId, body.prospectId) : body.prospect,
      template: body.templateId ? await loadTemplate(deps.db, workspaceId, body.templateId) : undefined,
    };
    if (!body.stream) return c.json(await aiGenerate(deps, input));
    return streamSSE(c, async (stream) => {
      try {
        const answer = await aiGenerateStream(deps, input, (delta) => stream.writeSSE({ event: 'token', data: JSON.stringify({ delta }) }));
        await stream.writeSSE({ event: 'suggestion', data: JSON.stringify(answer) });
      } catch (err) {
        // Headers are gone: the error travels as the last event, in the usual envelope.
        const e = err instanceof ApiError ? err : new ApiError('INTERNAL_ERROR', 'Something went wrong while streaming.');
        if (!(err instanceof ApiError)) deps.logger.error({ err }, 'ai stream failed');
        await stream.writeSSE({
          event: 'error',
          data: JSON.stringify({ error: { code: e.code, message: e.message, timestamp: new Date().toISOString(), request_id: c.get('requestId') } }),
        });
      }
    });
  })
  .post('/ai/score', aiRateLimit(), validate('json', scoreRequest), async (c) => {
    const deps = c.get('deps');
    const body = c.req.valid('json');
    return c.json(await scoreDraft(deps, body));
  })
  .post('/ai/feedback', validate('json', feedbackRequest), async (c) => {
    const { db } = c.get('deps');
    return c.json(await recordFeedback(db, c.get('session'), c.req.valid('json')), 201);
  });

/** Provider configured and input within the cap, checked before any work is done. */
function writingReady(deps: Deps, input: unknown): void {
  const ai = aiFor(deps);
  requireClient(ai);
  capInput(input, ai.maxInputChars);
}

/**
 * The heuristic score always; the LLM critique merged into the same signal list when a
 * provider is configured. The critique never moves the number (it stays deterministic and
 * matches what the extension computes offline) and never fails the request.
 */
async function scoreDraft(deps: Deps, input: { draft: Draft; prospect?: ProspectInput; campaign: boolean; critique: boolean }): Promise<ScoreResponse> {
  const heuristic = scoreEmail({ subject: input.draft.subject, body: input.draft.body, prospect: input.prospect, campaign: input.campaign });
  const signals: ScoreSignal[] = heuristic.signals.map((s) => ({ ...s, source: 'heuristic' }));
  const ai = aiFor(deps);
  let critique: ScoreResponse['critique'] = null;
  if (ai.client && input.critique) {
    const size = JSON.stringify(input.draft).length;
    if (size > ai.maxInputChars) {
      signals.push({ id: 'llm.skipped', severity: 'info', message: 'Too long for the AI review; the heuristic score stands.', impact: 0, source: 'llm' });
    } else {
      try {
        const review = await aiCritique(deps, { draft: input.draft, prospect: input.prospect });
        critique = { model: review.model, cached: review.cached, input_hash: review.input_hash };
        for (const issue of review.issues) signals.push(critiqueSignal(issue, input.draft.subject, heuristic.text));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        signals.push({ id: 'llm.unavailable', severity: 'info', message: `AI review unavailable (${err.code}); the heuristic score stands.`, impact: 0, source: 'llm' });
      }
    }
  }
  return { score: heuristic.score, signals: signals.map((s) => ({ ...s, source: s.source ?? 'heuristic' })), stats: heuristic.stats, critique };
}

function critiqueSignal(issue: { severity: 'info' | 'warning' | 'error'; message: string; quote: string | null }, subject: string, text: string): ScoreSignal {
  const signal: ScoreSignal = { id: 'llm.critique', severity: issue.severity, message: issue.message, impact: 0, source: 'llm' };
  const quote = issue.quote?.trim();
  if (!quote) return signal;
  const inBody = text.indexOf(quote);
  if (inBody >= 0) return { ...signal, field: 'body', span: { start: inBody, end: inBody + quote.length } };
  const inSubject = subject.indexOf(quote);
  if (inSubject >= 0) return { ...signal, field: 'subject', span: { start: inSubject, end: inSubject + quote.length } };
  return signal;
}
