import type { Email } from '../../shared/contracts/emails';

/**
 * An email's state in the words a rep reads ("Queued", "Sending…", "Sent 12:04",
 * "Failed: <reason>", "Scheduled for Thu 3 Dec, 09:00"), never the API's status codes.
 */
export interface SendWords {
  text: string;
  tone: 'waiting' | 'done' | 'failed' | 'cancelled';
  /** Still in the queue and not started: the rep can cancel it. */
  cancellable: boolean;
  /** Nothing more will happen to it: stop following. */
  final: boolean;
}

export function sendWords(email: Pick<Email, 'status' | 'scheduledAt' | 'nextAttemptAt' | 'sentAt' | 'failureReason'>, now = Date.now()): SendWords {
  switch (email.status) {
    case 'PENDING_SEND': {
      const scheduled = email.scheduledAt ? Date.parse(email.scheduledAt) : NaN;
      if (scheduled > now + 30_000) return { text: `Scheduled for ${when(scheduled, now)}`, tone: 'waiting', cancellable: true, final: false };
      const next = email.nextAttemptAt ? Date.parse(email.nextAttemptAt) : NaN;
      // Held back by the mailbox's send window or daily budget: say until when.
      if (next > now + 60_000) return { text: `Queued: goes out ${when(next, now)}`, tone: 'waiting', cancellable: true, final: false };
      return { text: 'Queued', tone: 'waiting', cancellable: true, final: false };
    }
    case 'SENDING':
      return { text: 'Sending…', tone: 'waiting', cancellable: false, final: false };
    case 'SENT':
      return { text: email.sentAt ? `Sent ${when(Date.parse(email.sentAt), now)}` : 'Sent', tone: 'done', cancellable: false, final: true };
    case 'FAILED':
      return { text: `Failed: ${plainReason(email.failureReason) || 'the mail server gave no reason'}`, tone: 'failed', cancellable: false, final: true };
    case 'CANCELLED':
      return { text: 'Cancelled: not sent', tone: 'cancelled', cancellable: false, final: true };
  }
}

/** "12:04" today, "Thu 3 Dec, 09:00" on another day, in the rep's own time zone. */
export function when(at: number, now = Date.now()): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}, ${time}`;
}

/** The server's reason without the protocol codes it quotes for the logs ("(invalid_grant)"). */
function plainReason(reason: string | null | undefined): string {
  return (reason ?? '').replace(/\s*\((?:[a-z]+_)+[a-z]+\)/g, '').trim();
}
