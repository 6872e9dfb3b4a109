import { sesNotification } from './bounce';
import type { ParsedInbound } from './parse';

/**
 * A spam complaint from a mailbox provider: an ARF feedback report (RFC 5965, which DMARC
 * failure reports reuse), Microsoft's JMRP (the reported message carries
 * X-HmXmrOriginalRecipient), or an Amazon SES complaint notification.
 */
export function isComplaint(p: ParsedInbound): boolean {
  if (p.feedbackReport.length > 0 || /report-type\s*=\s*"?feedback-report/.test(p.contentType)) return true;
  if (p.attachedHeaders.some((h) => /^x-hmxmroriginalrecipient:/im.test(h))) return true;
  return sesNotification(p)?.notificationType === 'Complaint';
}
