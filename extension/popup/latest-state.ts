import type { Email } from '../../shared/contracts/emails';
import type { EmailTimelineResponse } from '../../shared/contracts/events';
import { sendWords } from '../ui/send-words';

/**
 * Where an email really stands, the most telling fact first: a bounce or a reply beats an
 * open, a person's open beats "Sent". Machine opens (scanners, proxies) never count.
 */
export function latestState(email: Email & { figures?: EmailTimelineResponse['figures'] }): { label: string; tone: 'bad' | 'good' | 'warm' | 'plain' } {
  const f = email.figures;
  if (f?.bounced) return { label: 'Bounced', tone: 'bad' };
  if (f?.replied) return { label: 'Replied', tone: 'good' };
  if (f?.unsubscribed) return { label: 'Unsubscribed', tone: 'bad' };
  if (f && f.humanClicks > 0) return { label: 'Clicked', tone: 'warm' };
  if (f && f.humanOpens > 0) return { label: f.humanOpens > 1 ? `Opened ${f.humanOpens}×` : 'Opened', tone: 'warm' };
  if (email.status === 'SENT') return { label: 'Sent', tone: 'plain' };
  const words = sendWords(email);
  return { label: words.text, tone: words.tone === 'failed' ? 'bad' : 'plain' };
}

/** The email in Gmail: its thread when Lumina knows it, else a search for the recipient. */
export function gmailLink(email: Pick<Email, 'threadId' | 'to'>): string {
  return email.threadId && /^[0-9a-f]{10,20}$/i.test(email.threadId)
    ? `https://mail.google.com/mail/u/0/#all/${email.threadId}`
    : `https://mail.google.com/mail/u/0/#search/${encodeURIComponent(`to:${email.to}`)}`;
}
