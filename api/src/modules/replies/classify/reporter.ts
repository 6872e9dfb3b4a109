import type { BounceReason } from '../../../../../shared/contracts/replies';
import { header, type ParsedInbound } from './parse';

/**
 * Reporters (the MTA that wrote the bounce) that state their own verdict in a format of their
 * own, the way Sisimai's per-MTA "Lhost" decoders read them. Each reporter is recognised by
 * the header it stamps, and its verdict is the reason, whatever generic words follow:
 * - PowerMTA: `X-PowerMTA-BounceCategory` (its documented bounce categories);
 * - McAfee Email Gateway (`X-NAI-Header: Modified by McAfee …`): its "(Unknown user a@b)" lines;
 * - Ipswitch IMail (`X-Mailer: <SMTP32 v…>`): "Unknown user:", "User mailbox exceeds allowed size", …;
 * - au EZweb (`Postmaster@ezweb.ne.jp` / `@au.com`): `X-SPASIGN: NG` is the carrier's spam
 *   filter, plus its fixed sentences for quota, suspension and expiry.
 */
export function reporterVerdict(p: ParsedInbound, diagnostic: string): BounceReason | null {
  const body = `${p.text}\n${p.deliveryStatus.join('\n')}`;
  const category = /^x-powermta-bouncecategory:\s*([a-z-]+)/im.exec(body);
  if (category) return POWERMTA_CATEGORIES[category[1]!.toLowerCase()] ?? null;

  if (/^modified by mcafee /i.test(header(p, 'x-nai-header'))) {
    return MCAFEE_UNKNOWN.test(diagnostic) || MCAFEE_UNKNOWN.test(body) ? 'userunknown' : null;
  }
  if (header(p, 'x-mailer').startsWith('<SMTP32 v')) {
    for (const [reason, re] of IMAIL) if (re.test(diagnostic)) return reason;
    return null;
  }
  if (/postmaster@(ezweb\.ne\.jp|au\.com)/i.test(header(p, 'from'))) {
    if (header(p, 'x-spasign').trim().toUpperCase() === 'NG') return 'filtered';
    for (const [reason, re] of EZWEB) if (re.test(body)) return reason;
  }
  return null;
}

const POWERMTA_CATEGORIES: Record<string, BounceReason> = {
  'bad-domain': 'hostunknown',
  'bad-mailbox': 'userunknown',
  'inactive-mailbox': 'suspend',
  'message-expired': 'expired',
  'no-answer-from-host': 'networkerror',
  'policy-related': 'policyviolation',
  'quota-issues': 'mailboxfull',
  'routing-errors': 'systemerror',
  'spam-related': 'spamdetected',
};

const MCAFEE_UNKNOWN = /user \(.+@.+\) unknown\. |550 unknown user [^\s]+@[^\s]+|550 <.+?@.+?>\.+ user not exist|no such user/i;

const IMAIL: Array<[BounceReason, RegExp]> = [
  ['hostunknown', /unknown host/i],
  ['userunknown', /^\s*(unknown user|invalid final delivery userid)/i],
  ['mailboxfull', /^\s*user mailbox exceeds allowed size/i],
  ['virusdetected', /requested action not taken: virus detected/i],
  ['expired', /^\s*delivery failed \d+ attempts/i],
];

const EZWEB: Array<[BounceReason, RegExp]> = [
  ['mailboxfull', /the user\(s\) account is temporarily over quota/i],
  ['suspend', /the user\(s\) account is (disabled|temporarily limited)\./i],
  ['expired', /your message was not delivered within /i],
];
