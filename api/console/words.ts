/**
 * Every internal word a person might read in the console, turned into plain words, in one
 * place: email statuses, mailbox states, suppression reasons, audit actions, roles.
 */
import { DateTime } from 'luxon';

const EMAIL_STATUS: Record<string, string> = {
  DRAFT: 'Draft',
  PENDING_SEND: 'Queued',
  SENDING: 'Sending',
  SENT: 'Sent',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  BOUNCED: 'Bounced (mailbox does not exist)',
};

export const emailStatusWords = (status: string) => EMAIL_STATUS[status] ?? humanize(status);

const MAILBOX_STATUS: Record<string, string> = {
  active: 'Connected',
  needs_reauth: 'Needs reconnecting',
  disabled: 'Disabled',
};
export const mailboxStatusWords = (status: string) => MAILBOX_STATUS[status] ?? humanize(status);

const SUPPRESSION_REASON: Record<string, string> = {
  manual: 'Added by hand',
  unsubscribe: 'Unsubscribed',
  hard_bounce: 'Bounced (mailbox does not exist)',
  complaint: 'Marked as spam',
  erased: 'Erased on request (only a fingerprint of the address is kept)',
};
export const suppressionReasonWords = (reason: string) => SUPPRESSION_REASON[reason] ?? humanize(reason);

const ROLE: Record<string, string> = { admin: 'Admin', member: 'Member', viewer: 'Viewer (read only)' };
export const roleWords = (role: string) => ROLE[role] ?? humanize(role);

const CAMPAIGN_STATUS: Record<string, string> = { draft: 'Draft', active: 'Running', paused: 'Paused', completed: 'Finished', archived: 'Archived' };
export const campaignStatusWords = (status: string) => CAMPAIGN_STATUS[status] ?? humanize(status);

const PROSPECT_STATUS: Record<string, string> = {
  active: 'Active',
  replied: 'Replied',
  bounced: 'Bounced (mailbox does not exist)',
  unsubscribed: 'Unsubscribed',
  do_not_contact: 'Do not contact',
};
export const prospectStatusWords = (status: string) => PROSPECT_STATUS[status] ?? humanize(status);

const EVENT_TYPE: Record<string, string> = {
  sent: 'Sent',
  open: 'Opened',
  click: 'Clicked a link',
  reply: 'Replied',
  auto_reply: 'Automatic reply (out of office)',
  bounce: 'Bounced',
  unsubscribe: 'Unsubscribed',
  complaint: 'Marked as spam',
};
export const eventWords = (type: string, machine = false) => `${EVENT_TYPE[type] ?? humanize(type)}${machine ? ' (by a machine, not counted)' : ''}`;

const REPLY_MEANING: Record<string, string> = {
  interested: 'Interested',
  not_now: 'Not now',
  objection: 'Objection',
  referral: 'Pointed to someone else',
  unsubscribe_request: 'Asked to stop',
  out_of_office: 'Out of office',
  auto_reply: 'Automatic reply',
  bounce: 'Bounced',
  complaint: 'Marked as spam',
  other: 'Reply',
};
export const replyMeaningWords = (meaning: string) => REPLY_MEANING[meaning] ?? humanize(meaning);
export const REPLY_MEANINGS = Object.keys(REPLY_MEANING);

const LEAD_STATUS: Record<string, string> = {
  pending: 'Waiting to start',
  active: 'In sequence',
  paused: 'Paused',
  replied: 'Replied — sequence stopped',
  referred: 'Referred — sequence stopped',
  bounced: 'Bounced — sequence stopped',
  unsubscribed: 'Unsubscribed — sequence stopped',
  failed: 'Failed',
  completed: 'Finished the sequence',
  stopped: 'Stopped',
};
export const leadStatusWords = (status: string) => LEAD_STATUS[status] ?? humanize(status);

/**
 * A lead's reason as the engine wrote it, with its moments in words: an out-of-office's
 * "paused until 2030-01-16T00:00:00.000Z" reads in the viewer's zone, a return date
 * ("back 2030-01-15") as the day it is, in no zone.
 */
export function leadReasonWords(reason: string, tz: string): string {
  return reason
    .replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g, (at) => {
      const d = DateTime.fromISO(at, { setZone: true });
      return d.isValid ? d.setZone(tz).toFormat('ccc d LLL yyyy, HH:mm ZZZZ') : at;
    })
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, (day) => {
      const d = DateTime.fromISO(day, { zone: 'UTC' });
      return d.isValid ? d.toFormat('ccc d LLL yyyy') : day;
    });
}

/** When a step goes out, read at due time on people's own opens and clicks (never a scanner's). */
const STEP_CONDITION: Record<string, string> = {
  always: 'Always',
  no_reply: 'Only if they have not replied',
  opened: 'Only if they opened an earlier email',
  not_opened: 'Only if they have not opened any',
  clicked: 'Only if they clicked a link',
  not_clicked: 'Only if they have not clicked',
};
export const stepConditionWords = (condition: string) => STEP_CONDITION[condition] ?? humanize(condition);
export const STEP_CONDITIONS = Object.keys(STEP_CONDITION);

const DELAY_UNIT: Record<string, string> = { minutes: 'minutes', hours: 'hours', days: 'days', business_days: 'business days' };
export const delayUnitWords = (unit: string) => DELAY_UNIT[unit] ?? humanize(unit);
export const DELAY_UNITS = Object.keys(DELAY_UNIT);
/** "3 business days after the previous step", "right away". */
export function delayWords(amount: number, unit: string, first: boolean): string {
  if (amount === 0) return first ? 'Right at launch' : 'Right after the previous step';
  const u = amount === 1 ? delayUnitWords(unit).replace(/s$/, '') : delayUnitWords(unit);
  return `${amount} ${u} after ${first ? 'launch' : 'the previous step'}`;
}

/** Sisimai's bounce reasons, as a rep would say them. */
const BOUNCE_REASON: Record<string, string> = {
  userunknown: 'the mailbox does not exist',
  hostunknown: 'the domain does not exist',
  hasmoved: 'the person has moved',
  mailboxfull: 'the mailbox is full',
  filtered: 'refused by a filter',
  rejected: 'the sender was refused',
  blocked: 'our server was blocked',
  spamdetected: 'it looked like spam',
  suspend: 'the mailbox is suspended',
  expired: 'delivery timed out',
  policyviolation: 'it broke a policy of theirs',
  ratelimited: 'too many messages at once',
};
export const bounceReasonWords = (reason: string) => BOUNCE_REASON[reason] ?? humanize(reason);

/** Audit actions as a sentence's verb: "Ana <changed the role of> rep@…". */
const AUDIT_ACTION: Record<string, string> = {
  'member.role_changed': 'changed the role of',
  'member.removed': 'removed member',
  'invite.created': 'invited',
  'invite.revoked': 'revoked the invite of',
  'invite.accepted': 'accepted the invite of',
  'mailbox.updated': 'changed the sending settings of',
  'suppression.added': 'suppressed',
  'suppression.imported': 'imported suppressions',
  'suppression.lifted': 'lifted the suppression of',
  'email.retried': 'retried a failed send to',
  'prospect.updated': 'edited prospect',
  'prospect.deleted': 'deleted prospect',
  'template.updated': 'edited template',
  'template.deleted': 'deleted template',
  'campaign.created': 'created campaign',
  'campaign.launched': 'launched campaign',
  'campaign.paused': 'paused campaign',
  'campaign.resumed': 'resumed campaign',
  'campaign.updated': 'edited campaign',
  'campaign.deleted': 'deleted campaign',
  'campaign.leads_added': 'added leads to campaign',
  'campaign.archived': 'archived campaign',
  'campaign.lead_paused': 'paused a lead of campaign',
  'campaign.lead_resumed': 'resumed a lead of campaign',
  'campaign.lead_removed': 'removed a lead from campaign',
  'campaign.lead_stopped': 'stopped a lead of campaign',
  'auth.signed_in': 'signed in as',
  'auth.signed_out': 'signed out as',
  'auth.sign_in_failed': 'failed to sign in as',
  'member.joined_by_domain': 'joined by e-mail domain as',
  'mailbox.connected': 'connected mailbox',
  'mailbox.reconnected': 'reconnected mailbox',
  'mailbox.disconnected': 'disconnected mailbox',
  'webhook.created': 'created webhook',
  'webhook.updated': 'changed webhook',
  'webhook.deleted': 'deleted webhook',
  'settings.changed': 'changed the setting',
  'prospect.imported': 'imported prospects',
  'prospect.exported': 'downloaded the data of prospect',
  'prospect.erased': 'erased prospect',
  'auth.sign_in_locked': 'locked out after repeated failed sign-ins to',
  'mailbox.needs_reauth': 'lost Gmail access (needs reconnecting):',
  'data.exported': 'exported',
  'mailbox.revoked': 'revoked the mailbox access of removed member',
};
export const auditActionWords = (action: string) => AUDIT_ACTION[action] ?? humanize(action.replace('.', ' '));
export const KNOWN_AUDIT_ACTIONS = Object.keys(AUDIT_ACTION);

/** Field names of audit before/after data, as a person says them. */
const FIELD: Record<string, string> = {
  role: 'role',
  dailyCap: 'daily cap',
  sendWindow: 'send window',
  rampUp: 'ramp-up',
  reason: 'reason',
  email: 'address',
  count: 'count',
};

/** One audit value in words: never raw JSON. */
export function valueWords(key: string, value: unknown): string {
  if (value === null || value === undefined) return key === 'sendWindow' ? 'any time' : key === 'rampUp' ? 'off' : 'none';
  if (key === 'role' && typeof value === 'string') return roleWords(value);
  if (key === 'reason' && typeof value === 'string') return Object.hasOwn(SUPPRESSION_REASON, value) ? SUPPRESSION_REASON[value]! : value;
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (key === 'sendWindow' && typeof v.start === 'string') return sendWindowWords(v as { start: string; end: string; tz: string; days: number[] });
  if (key === 'rampUp' && 'startCap' in v) return `from ${v.startCap}, +${v.increment} every ${v.everyDays} day(s)`;
  if (Array.isArray(value)) return value.map((x) => valueWords(key, x)).join(', ');
  return Object.entries(v)
    .map(([k, x]) => `${fieldWords(k)} ${valueWords(k, x)}`)
    .join(', ');
}
export const fieldWords = (key: string) => FIELD[key] ?? humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());

/**
 * An audit row's data as "field: before → after" lines. Rows carry either `{before, after}`
 * objects or flat values (e.g. `{from, to}` for a role change, or `{role}`).
 */
export function changeLines(raw: Record<string, unknown>): string[] {
  // Ids are for machines; the row's target already names the thing in words.
  const data = Object.fromEntries(Object.entries(raw).filter(([k]) => !/(^id|Id)$/.test(k)));
  const before = data.before as Record<string, unknown> | undefined;
  const after = data.after as Record<string, unknown> | undefined;
  if (before || after) {
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
    return keys.map((k) => `${fieldWords(k)}: ${valueWords(k, before?.[k])} → ${valueWords(k, after?.[k])}`);
  }
  if ('from' in data && 'to' in data) return [`${valueWords('role', data.from)} → ${valueWords('role', data.to)}`];
  return Object.entries(data).map(([k, v]) => `${fieldWords(k)}: ${valueWords(k, v)}`);
}

const DAY = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
export function sendWindowWords(w: { start: string; end: string; tz: string; days: number[] } | null): string {
  if (!w) return 'any time';
  const days = [...w.days].sort().join(',') === '1,2,3,4,5' ? 'Mon–Fri' : w.days.map((d) => DAY[d]).join(', ');
  return `${w.start}–${w.end} ${w.tz}, ${days}`;
}

/** Failure reasons are written for people already; this says whether trying again can help. */
export function failureKind(reason: string | null): { retryable: boolean; advice: string } {
  const r = reason ?? '';
  if (/rate-limit/i.test(r)) return { retryable: true, advice: 'Gmail was busy; trying again usually works.' };
  if (/invalid_grant|reconnect/i.test(r)) return { retryable: true, advice: 'Reconnect the mailbox from the extension first, then retry.' };
  if (/did not answer|unknown/i.test(r)) return { retryable: false, advice: 'It may have been delivered: check the Sent folder in Gmail before sending again.' };
  if (/disabled/i.test(r)) return { retryable: false, advice: 'The mailbox is disabled; an admin can re-enable it.' };
  return { retryable: false, advice: 'Gmail refused this message; change it before sending again.' };
}

function humanize(word: string) {
  const s = word.replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Where a prospect stands (derived in prospects/service.ts), as a rep says it. */
const PROSPECT_STANDING: Record<string, string> = {
  in_sequence: 'In a sequence',
  replied: 'Replied',
  suppressed: 'Do not contact (suppressed)',
  contacted: 'Contacted',
  not_contacted: 'Not contacted yet',
};
export const prospectStandingWords = (status: string) => PROSPECT_STANDING[status] ?? humanize(status);

/** The recipient check's flags on a prospect, and the list's filter by them. */
const RECIPIENT_FLAG: Record<string, string> = {
  any: 'Any flag',
  role: 'Role address',
  disposable: 'Disposable',
  no_mail: 'Domain takes no mail',
  unverified: 'Not verified',
};
export const recipientFlagWords = (flag: string) => RECIPIENT_FLAG[flag] ?? humanize(flag);
/** What each flag means, for the badge's title. */
const RECIPIENT_FLAG_HINT: Record<string, string> = {
  role: 'A team inbox (info@, sales@…), not a person',
  disposable: 'A throwaway mail domain',
  no_mail: 'Its domain does not accept mail: sends to it are skipped',
  unverified: 'DNS could not be asked in time when it was added',
};
export const recipientFlagHint = (flag: string) => RECIPIENT_FLAG_HINT[flag] ?? '';

/** Template categories of the library. */
const TEMPLATE_CATEGORY: Record<string, string> = {
  cold_outreach: 'Cold outreach',
  follow_up: 'Follow-up',
  meeting: 'Meeting',
  referral: 'Referral',
  re_engagement: 'Re-engagement',
  event: 'Event',
  social_proof: 'Social proof',
  objection: 'Objection handling',
  break_up: 'Break-up',
  other: 'Other',
};
export const templateCategoryWords = (category: string | null) => (category ? (TEMPLATE_CATEGORY[category] ?? humanize(category)) : 'No category');

/** CSV import targets, as the mapping screen names them. */
const IMPORT_FIELD: Record<string, string> = {
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  fullName: 'Full name (split in two)',
  company: 'Company',
  title: 'Job title',
  timeZone: 'Time zone',
  owner: 'Owner (a member’s address)',
  ignore: 'Do not import',
};
export const importFieldWords = (field: string) => (field.startsWith('custom.') ? `Custom field “${field.slice(7)}”` : (IMPORT_FIELD[field] ?? humanize(field)));

/** "1 prospect", "2,000 prospects": counts in words, without "(s)". */
export const countWords = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
