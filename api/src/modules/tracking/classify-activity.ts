/**
 * Human or machine? Every open and click is stored raw; this decides the `machine` flag
 * and the `reason` beside it. Pure: the recorder hands in everything it knows.
 */
export type ActivityReason =
  | 'human'
  | 'self_view'
  | 'gmail_proxy_prefetch'
  | 'apple_mpp'
  | 'scanner_agent'
  | 'head_request'
  | 'click_at_delivery'
  | 'all_links_burst'
  | 'not_sent';

export interface Verdict {
  machine: boolean;
  reason: ActivityReason;
}

export interface ActivityHit {
  at: Date;
  userAgent: string | null;
  ip: string | null;
  method: string;
}

export interface OpenContext {
  sentAt: Date | null;
  /** When the extension said the sender was looking at this email. */
  selfViews: Date[];
}

export interface ClickContext {
  sentAt: Date | null;
  linkIndex: number;
  /** Every other click of the same email we know of (stored or still buffered). */
  otherClicks: Array<{ at: Date; linkIndex: number }>;
}

export const thresholds = {
  /** Gmail fetches (and caches) images through its proxy as a message is delivered. */
  proxyAtDeliveryMs: 30_000,
  /** Scanners follow links as the message lands, before any person could read it. */
  clickAtDeliveryMs: 10_000,
  /** Two different links of one message within this span is not a person. */
  burstMs: 1_000,
  /** A sender's own view fetches the pixel around the moment the extension reports it. */
  selfViewBeforeMs: 10_000,
  selfViewAfterMs: 120_000,
};

// Link checkers of mail gateways and chat unfurlers, plus generic HTTP clients; no mail
// client a person reads with sends any of these.
const SCANNER_AGENTS =
  /barracuda|mimecast|proofpoint|urldefense|forcepoint|trendmicro|symantec|messagelabs|fireeye|sophos|safelinks|microsoft office|ms-office|bingpreview|zscaler|cisco|ironport|checkpoint|python-requests|python-urllib|go-http-client|curl\/|wget|java\/|okhttp|axios|node-fetch|libwww|httpclient|headless|phantomjs|bot\b|bot\/|spider|crawler|slackbot|facebookexternalhit|linkedinbot|twitterbot|whatsapp|skypeuripreview|preview/i;

const GOOGLE_PROXY = /GoogleImageProxy|ggpht\.com/i;

export function classifyOpen(hit: ActivityHit, ctx: OpenContext): Verdict {
  const at = hit.at.getTime();
  if (ctx.selfViews.some((s) => at >= s.getTime() - thresholds.selfViewBeforeMs && at <= s.getTime() + thresholds.selfViewAfterMs)) {
    return machine('self_view');
  }
  if (!ctx.sentAt) return machine('not_sent');
  const ua = hit.userAgent ?? '';
  if (GOOGLE_PROXY.test(ua) && at - ctx.sentAt.getTime() <= thresholds.proxyAtDeliveryMs) return machine('gmail_proxy_prefetch');
  if (isAppleMpp(ua, hit.ip)) return machine('apple_mpp');
  if (!GOOGLE_PROXY.test(ua) && SCANNER_AGENTS.test(ua)) return machine('scanner_agent');
  return human;
}

export function classifyClick(hit: ActivityHit, ctx: ClickContext): Verdict {
  if (hit.method === 'HEAD') return machine('head_request');
  const ua = hit.userAgent ?? '';
  if (!ua || SCANNER_AGENTS.test(ua)) return machine('scanner_agent');
  if (!ctx.sentAt) return machine('not_sent');
  const at = hit.at.getTime();
  if (at - ctx.sentAt.getTime() <= thresholds.clickAtDeliveryMs) return machine('click_at_delivery');
  const burst = ctx.otherClicks.some((o) => o.linkIndex !== ctx.linkIndex && Math.abs(o.at.getTime() - at) <= thresholds.burstMs);
  if (burst) return machine('all_links_burst');
  return human;
}

/**
 * Apple Mail Privacy Protection fetches every image through Apple's proxy as mail
 * arrives, with a bare `Mozilla/5.0` agent from Apple's 17.0.0.0/8 network.
 */
export function isAppleMpp(userAgent: string, ip: string | null): boolean {
  if (userAgent.trim() === 'Mozilla/5.0') return true;
  const v4 = ip?.replace(/^::ffff:/, '') ?? '';
  return /^17\.\d+\.\d+\.\d+$/.test(v4) && !/Safari|Chrome|Firefox/.test(userAgent);
}

const human: Verdict = { machine: false, reason: 'human' };
const machine = (reason: ActivityReason): Verdict => ({ machine: true, reason });
