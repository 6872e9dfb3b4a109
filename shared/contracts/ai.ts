import { z } from 'zod';

/**
 * The AI contract: what the Glow panel sends and receives. Every writing endpoint answers
 * a `suggestionResponse`; the score endpoint answers the heuristic score with its signals
 * (plus the LLM critique when a provider is configured).
 */

const text = (max: number) => z.string().max(max);

export const draftSchema = z.strictObject({
  subject: text(2_000).default(''),
  /** What the reader sees: plain text, or HTML (tags are stripped for the text checks). */
  body: text(300_000).default(''),
});
export type Draft = z.infer<typeof draftSchema>;

/** A prospect given inline (the extension may know one the server has not stored yet). */
export const prospectInputSchema = z.strictObject({
  email: z.string().max(320).optional(),
  firstName: z.string().max(200).nullish(),
  lastName: z.string().max(200).nullish(),
  company: z.string().max(300).nullish(),
  title: z.string().max(300).nullish(),
  customFields: z.record(z.string().max(100), z.string().max(2_000)).nullish(),
});
export type ProspectInput = z.infer<typeof prospectInputSchema>;

export const tonePresets = ['friendly', 'formal', 'concise', 'confident'] as const;
export const toneSchema = z.enum(tonePresets);
export type Tone = z.infer<typeof toneSchema>;

export const personalizeRequest = z
  .strictObject({
    draft: draftSchema,
    prospectId: z.uuid().optional(),
    prospect: prospectInputSchema.optional(),
    tone: toneSchema.optional(),
  })
  .refine((v) => !(v.prospectId && v.prospect), { message: 'Give prospectId or prospect, not both', path: ['prospect'] });

export const rewriteRequest = z
  .strictObject({
    draft: draftSchema,
    instruction: z.string().trim().min(1).max(1_000).optional(),
    tone: toneSchema.optional(),
  })
  .refine((v) => v.instruction || v.tone, { message: 'Give an instruction or a tone preset', path: ['instruction'] });

export const subjectLinesRequest = z.strictObject({
  draft: draftSchema,
  count: z.number().int().min(3).max(10).default(5),
});

export const generateRequest = z.strictObject({
  prospect: prospectInputSchema.optional(),
  prospectId: z.uuid().optional(),
  goal: z.string().trim().min(1).max(2_000),
  tone: toneSchema.default('friendly'),
  templateId: z.uuid().optional(),
  stream: z.boolean().default(false),
});

export const scoreRequest = z.strictObject({
  draft: draftSchema,
  prospect: prospectInputSchema.optional(),
  /** Campaign mail must carry an unsubscribe line; one-to-one mail need not. */
  campaign: z.boolean().default(false),
  /** false skips the LLM critique even when a provider is configured (e.g. on every keystroke). */
  critique: z.boolean().default(true),
});

export const feedbackRequest = z.strictObject({
  inputHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
  action: z.enum(['accepted', 'rejected', 'edited']),
  task: z.enum(['personalize', 'rewrite', 'subject-lines', 'generate', 'score']).optional(),
});

export const suggestionSchema = z.object({
  subject: z.string().optional(),
  body: z.string().optional(),
});

export const suggestionResponse = z.object({
  suggestion: suggestionSchema,
  /** 0..1: how sure the model is; the Glow panel shows it as intensity. */
  confidence: z.number().min(0).max(1),
  /** sha256 of the task, model and input: the cache key and the handle for feedback. */
  input_hash: z.string(),
  model: z.string(),
  cached: z.boolean(),
  timestamp: z.string(),
  /** subject-lines only: every option, best first. */
  options: z.array(z.string()).optional(),
});
export type SuggestionResponse = z.infer<typeof suggestionResponse>;

export const signalSeverity = z.enum(['info', 'warning', 'error']);

export const scoreSignalSchema = z.object({
  id: z.string(),
  severity: signalSeverity,
  message: z.string(),
  /** Which text the span indexes into. */
  field: z.enum(['subject', 'body']).optional(),
  /** Character offsets into the analysed text of `field` (for body: the text after HTML is stripped). */
  span: z.object({ start: z.number().int(), end: z.number().int() }).optional(),
  /** Points this signal took off the score (0 for info). */
  impact: z.number(),
  source: z.enum(['heuristic', 'llm']).default('heuristic'),
});
export type ScoreSignal = z.input<typeof scoreSignalSchema>;

export const scoreResponse = z.object({
  score: z.number().int().min(0).max(100),
  signals: z.array(scoreSignalSchema),
  stats: z.object({
    words: z.number(),
    subjectWords: z.number(),
    readingGrade: z.number(),
    links: z.number(),
    images: z.number(),
    bytes: z.number(),
  }),
  /** Present when the LLM critique ran (null: no provider, skipped or failed — the heuristic stands). */
  critique: z.object({ model: z.string(), cached: z.boolean(), input_hash: z.string() }).nullable(),
});
export type ScoreResponse = z.infer<typeof scoreResponse>;

export const replyLabels = ['interested', 'not_interested', 'out_of_office', 'referral', 'unsubscribe', 'bounce', 'other'] as const;
export const replyClassificationSchema = z.object({
  label: z.enum(replyLabels),
  /** ISO date (YYYY-MM-DD) an out-of-office says the person is back. */
  returnDate: z.string().optional(),
  referral: z.object({ name: z.string().optional(), email: z.string().optional() }).optional(),
  confidence: z.number().min(0).max(1),
});
export type ReplyClassification = z.infer<typeof replyClassificationSchema>;
