import { z } from 'zod';
import { sendEmailRequest, idempotencyKeySchema, type Email, type SendEmailResponse } from './contracts/emails';
import { observedReplyRequest, type observedReplyResponse, type selfViewResponse } from './contracts/tracking';
import type { SessionResponse } from './contracts/auth';
import type { SuggestionResponse } from './contracts/ai';
import type { AddLeadsResponse, Campaign, Lead } from './contracts/campaigns';
import type { ReplyItem } from './contracts/replies';
import type { campaignFiguresSchema, momentumResponse, statsResponse, timelineResponse } from './contracts/dashboard';
import type { EmailTimelineResponse, emailFiguresSchema } from './contracts/events';
import { reportManualSendRequest, type Mailbox, type ReportManualSendResponse } from './contracts/mailboxes';
import type { Prospect } from './contracts/prospects';
import type { Suppression } from './contracts/suppressions';
import type { Template } from './contracts/templates';
import type { Capabilities } from './contracts/capabilities';
import type { paginationSchema } from './errors';

/**
 * Runtime messages between the extension's contexts (content script, popup, options →
 * service worker). One discriminated union on `type`, parsed on arrival: a message that
 * does not parse is not ours (InboxSDK speaks on the same channel) and is left alone.
 */
export const runtimeMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session.get') }),
  z.object({ type: z.literal('session.sandboxLogin'), email: z.email().max(320), name: z.string().trim().min(1).max(200).optional() }),
  z.object({ type: z.literal('session.googleLogin') }),
  z.object({ type: z.literal('session.logout') }),
  z.object({ type: z.literal('settings.setApiUrl'), apiUrl: z.url() }),
  /** The content script tells which Gmail host runs in this tab (the popup shows "degraded"). */
  z.object({ type: z.literal('host.report'), host: z.enum(['inboxsdk', 'dom']), reason: z.string().max(500).optional() }),
  /** A local draft changed: sync it soon. The draft itself is already in chrome.storage. */
  z.object({ type: z.literal('draft.changed'), id: z.string().min(1).max(100) }),
  z.object({ type: z.literal('sync.now') }),
  /** `tz`: the rep's IANA zone, so "today" on the timeline is the rep's today. */
  z.object({ type: z.literal('dashboard.get'), days: z.union([z.literal(7), z.literal(30)]), tz: z.string().min(1).max(64).optional(), scope: z.enum(['me', 'workspace']).optional() }),
  z.object({ type: z.literal('mailboxes.list') }),
  z.object({ type: z.literal('campaigns.list') }),
  /** Adds the recipient to a sequence, creating the prospect record when there is none yet. */
  z.object({ type: z.literal('campaign.addLead'), campaignId: z.string().min(1).max(100), email: z.email().max(320) }),
  /** The one lead a prospect is in a sequence (null: none), for the tracking sidebar. */
  z.object({ type: z.literal('campaign.lead'), campaignId: z.string().min(1).max(100), prospectId: z.string().min(1).max(100) }),
  /** Pauses or resumes that one lead's sequence — what a rep means from a thread — not the campaign. */
  z.object({ type: z.literal('campaign.lead.setRunning'), campaignId: z.string().min(1).max(100), leadId: z.string().min(1).max(100), running: z.boolean() }),
  /** Whether an address is on the workspace's suppression list (the pre-send check warns). */
  z.object({ type: z.literal('suppression.check'), email: z.string().min(1).max(320) }),
  z.object({ type: z.literal('templates.list') }),
  z.object({ type: z.literal('prospect.lookup'), email: z.string().max(320) }),
  z.object({
    type: z.literal('ai.run'),
    action: z.enum(['personalize', 'rewrite', 'subject-lines', 'generate']),
    input: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal('email.send'), idempotencyKey: idempotencyKeySchema, payload: sendEmailRequest }),
  z.object({ type: z.literal('thread.emails'), threadId: z.string().min(1).max(200) }),
  /** One email's current state: the panel follows a send through to Sent or Failed. */
  z.object({ type: z.literal('email.get'), emailId: z.string().min(1).max(100) }),
  /** Cancels a send that has not started (a scheduled one). */
  z.object({ type: z.literal('email.cancel'), emailId: z.string().min(1).max(100) }),
  /** What this Lumina server offers (AI, Google sign-in, sandbox sign-in): asked before offering it. */
  z.object({ type: z.literal('capabilities.get') }),
  /** Opens Lumina's options page (a content script cannot). */
  z.object({ type: z.literal('options.open') }),
  z.object({ type: z.literal('email.events'), emailId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('tracking.selfView'), threadId: z.string().min(1).max(200) }),
  /**
   * Light mode: the rep sent a message with Gmail's own Send; `account` is the Gmail address of
   * the tab (the mailbox it spends), else the rep's one mailbox.
   */
  z.object({ type: z.literal('manualSend.report'), account: z.email().max(320).optional(), report: reportManualSendRequest }),
  /** Light mode: an inbound message the content script saw in a tracked thread. */
  z.object({ type: z.literal('replies.observed'), report: observedReplyRequest }),
]);
export type RuntimeMessage = z.infer<typeof runtimeMessageSchema>;
export type RuntimeMessageType = RuntimeMessage['type'];

/**
 * Every answer from the service worker. `NOT_AVAILABLE` means the API has no such route
 * yet (a 404 "No route"): panels say so instead of inventing numbers.
 */
export const runtimeErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number().optional(),
  details: z.unknown().optional(),
});
export type RuntimeError = z.infer<typeof runtimeErrorSchema>;

/** Which Gmail host runs in the rep's tab, as last reported by a content script. */
export interface HostStatus {
  host: 'inboxsdk' | 'dom';
  reason?: string;
  at: number;
}

/** What a draft sync did with each dirty draft, by draft id. */
export type DraftOutcome = 'synced' | 'resolved-conflict' | 'retry-later' | 'failed' | 'waiting';

type Page<T> = Omit<z.infer<ReturnType<typeof paginationSchema>>, 'data'> & { data: T[] };

/**
 * The answer to each request type: `ask` returns it and the router must produce it, so
 * neither side can drift from the other.
 */
export interface RuntimeAnswers {
  'session.get': { apiUrl: string; session: SessionResponse | null; host: HostStatus | null };
  'session.sandboxLogin': SessionResponse;
  'session.googleLogin': SessionResponse;
  'session.logout': { signedOut: boolean; apiAnswered: boolean };
  'settings.setApiUrl': { apiUrl: string };
  'host.report': null;
  'draft.changed': Record<string, DraftOutcome>;
  'sync.now': Record<string, DraftOutcome>;
  /** Each section answers on its own: one missing endpoint leaves the others on screen. */
  'dashboard.get': {
    stats: RuntimeResult<z.infer<typeof statsResponse>>;
    timeline: RuntimeResult<z.infer<typeof timelineResponse>>;
    mailboxes: RuntimeResult<Page<Mailbox>>;
    campaigns: RuntimeResult<Page<z.infer<typeof campaignFiguresSchema>>>;
    /** The latest emails, each with its figures (opened, replied, bounced) when the API could say. */
    recent: RuntimeResult<Page<Email & { figures?: z.infer<typeof emailFiguresSchema> }>>;
    /** This week against last, and the hot leads to follow up first. */
    momentum: RuntimeResult<z.infer<typeof momentumResponse>>;
    /** The latest replies to the scope's sends (`GET /api/replies`), newest first. */
    replies: RuntimeResult<Page<ReplyItem>>;
  };
  'mailboxes.list': Page<Mailbox>;
  'campaigns.list': Page<Campaign>;
  'campaign.addLead': AddLeadsResponse;
  'campaign.lead': { lead: Lead | null };
  'campaign.lead.setRunning': Lead;
  'suppression.check': { suppression: Suppression | null };
  'templates.list': Page<Template>;
  'prospect.lookup': { prospect: Prospect | null };
  'ai.run': SuggestionResponse;
  'email.send': SendEmailResponse;
  'thread.emails': Page<Email>;
  'email.get': Email;
  'email.cancel': Email;
  'capabilities.get': Capabilities;
  'options.open': null;
  'email.events': EmailTimelineResponse;
  'tracking.selfView': z.infer<typeof selfViewResponse>;
  'replies.observed': z.infer<typeof observedReplyResponse>;
  'manualSend.report': ReportManualSendResponse;
}
export type RuntimeAnswer<K extends RuntimeMessageType> = RuntimeAnswers[K];
/** The request of one type. */
export type RuntimeRequest<K extends RuntimeMessageType> = Extract<RuntimeMessage, { type: K }>;

export type RuntimeResult<T = unknown> = { ok: true; data: T } | { ok: false; error: RuntimeError };

export const runtimeResultSchema = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: runtimeErrorSchema }),
]);

/**
 * A streamed AI generate travels on its own port (content script ↔ service worker): the
 * content script sends one start message, the worker answers with tokens as the API
 * streams them, then the suggestion (or an error), and closes the port.
 */
export const AI_STREAM_PORT = 'lumina.ai.generate';
export const aiStreamStartSchema = z.object({ type: z.literal('ai.generate.start'), input: z.record(z.string(), z.unknown()) });
export const aiStreamEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('token'), delta: z.string() }),
  z.object({ type: z.literal('suggestion'), data: z.unknown() }),
  z.object({ type: z.literal('error'), error: runtimeErrorSchema }),
]);
export type AiStreamEvent = z.infer<typeof aiStreamEventSchema>;

/** Parses a message from another context; undefined when it is not one of ours. */
export function parseRuntimeMessage(raw: unknown): RuntimeMessage | undefined {
  const parsed = runtimeMessageSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
