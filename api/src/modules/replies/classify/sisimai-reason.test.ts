import { describe, expect, it } from 'vitest';
import { includedIn, sisimaiReason, squeeze, statusName, type SisimaiFact } from './sisimai-reason';

// Messages written for these tests (not taken from any corpus), one per rule of Sisimai's decision.
const fact = (f: Partial<SisimaiFact>): SisimaiFact => ({ reason: '', deliveryStatus: '', diagnosticCode: '', diagnosticType: 'SMTP', command: '', replyCode: '', action: 'failed', ...f });

describe("Sisimai's general reason decision", () => {
  it('a reason a per-MTA table chose stands unless it is one Sisimai re-reads', () => {
    expect(sisimaiReason(fact({ reason: 'mailboxfull', diagnosticCode: '550 no such user here' }))).toBe('mailboxfull');
    // userunknown is re-read: a full-mailbox phrase comes first in the first pass.
    expect(sisimaiReason(fact({ reason: 'userunknown', diagnosticCode: '452 Mailbox full for rep@acme.example' }))).toBe('mailboxfull');
    expect(sisimaiReason(fact({ reason: 'userunknown', diagnosticCode: '550 sorry' }))).toBe('userunknown');
  });

  it('X.1.1 stands unless the words name a block, a relay refusal, a full or moved mailbox, a sender refusal or a null MX', () => {
    expect(sisimaiReason(fact({ deliveryStatus: '5.1.1', diagnosticCode: '550 5.1.1 <a@acme.example>: mailbox not here' }))).toBe('userunknown');
    expect(sisimaiReason(fact({ deliveryStatus: '5.1.1', diagnosticCode: '550 5.1.1 Client host 192.0.2.1 blocked using zen.example.org' }))).toBe('blocked');
  });

  it('"user unknown" words without X.1.1 are believed only in answer to RCPT; after DATA or with no command they are a filter', () => {
    expect(sisimaiReason(fact({ command: 'RCPT', diagnosticCode: '550 Unknown user a@acme.example' }))).toBe('userunknown');
    expect(sisimaiReason(fact({ command: 'DATA', diagnosticCode: '550 Unknown user a@acme.example' }))).toBe('filtered');
    expect(sisimaiReason(fact({ diagnosticCode: '550 Unknown user a@acme.example' }))).toBe('filtered');
  });

  it('the envelope sender is refused at MAIL, or at DATA, or over a vague security code', () => {
    expect(sisimaiReason(fact({ command: 'MAIL', deliveryStatus: '5.7.1', diagnosticCode: '550 5.7.1 Sender verify failed' }))).toBe('rejected');
    expect(sisimaiReason(fact({ command: 'DATA', deliveryStatus: '5.7.1', diagnosticCode: "550 5.7.1 Can't determine purported responsible address" }))).toBe('rejected');
    // "recipient address rejected" is never the sender's refusal.
    expect(includedIn('rejected', 'recipient address rejected: no thanks')).toBe(false);
  });

  it('the first pass reads spam words only after DATA; over a retried code (X.7.1) the second pass still does', () => {
    expect(sisimaiReason(fact({ command: 'DATA', deliveryStatus: '5.7.1', diagnosticCode: '554 5.7.1 Message detected as spam' }))).toBe('spamdetected');
    expect(sisimaiReason(fact({ command: 'RCPT', deliveryStatus: '5.7.1', diagnosticCode: '554 5.7.1 Message detected as spam' }))).toBe('spamdetected');
    // A code Sisimai does not re-read keeps its meaning: spam words at RCPT under 5.2.0 are the mailbox's filter.
    expect(sisimaiReason(fact({ command: 'RCPT', deliveryStatus: '5.2.0', diagnosticCode: '554 5.2.0 Message detected as spam' }))).toBe('filtered');
  });

  it('X.1.2 / X.4.4 stand unless the words are a DNS or network failure', () => {
    expect(sisimaiReason(fact({ deliveryStatus: '5.1.2', diagnosticCode: '550 5.1.2 no mail here' }))).toBe('hostunknown');
    expect(sisimaiReason(fact({ deliveryStatus: '5.4.4', diagnosticCode: 'Host name lookup failure for acme.example' }))).not.toBe('hostunknown');
  });

  it('X.2.3 is a per-mailbox limit, not a message too big', () => {
    expect(sisimaiReason(fact({ deliveryStatus: '5.2.3', diagnosticCode: '552 5.2.3 Message too big for this mailbox' }))).toBe('exceedlimit');
    expect(sisimaiReason(fact({ deliveryStatus: '5.3.4', diagnosticCode: '552 5.3.4 Message too big' }))).toBe('mesgtoobig');
  });

  it('second pass: a retried code (X.7.x, X.3.0, none) is re-read by the phrase lists, then by its subject', () => {
    expect(sisimaiReason(fact({ deliveryStatus: '5.7.1', diagnosticCode: '550 5.7.1 Please inspect your SPF settings' }))).toBe('authfailure');
    expect(sisimaiReason(fact({ deliveryStatus: '5.7.1', diagnosticCode: '550 5.7.1 Local policy violation' }))).toBe('policyviolation');
    expect(sisimaiReason(fact({ deliveryStatus: '5.7.99', diagnosticCode: '550 5.7.99 no' }))).toBe('securityerror');
    expect(sisimaiReason(fact({ deliveryStatus: '5.6.99', diagnosticCode: '550 5.6.99 no' }))).toBe('contenterror');
    expect(sisimaiReason(fact({ replyCode: '503', diagnosticCode: '503 bad sequence' }))).toBe('syntaxerror');
  });

  it('a delay with nothing else is expired; a greeting refusal is blocked; words it cannot place are onhold; none undefined', () => {
    expect(sisimaiReason(fact({ action: 'delayed', diagnosticCode: 'still trying hard' }))).toBe('expired');
    expect(sisimaiReason(fact({ command: 'EHLO', diagnosticCode: '550 go elsewhere' }))).toBe('blocked');
    expect(sisimaiReason(fact({ diagnosticCode: '550 nope' }))).toBe('onhold');
    expect(sisimaiReason(fact({}))).toBe('undefined');
  });

  it('reply codes: 525 is a disabled account (suspend); 2.x.x is delivered', () => {
    expect(sisimaiReason(fact({ replyCode: '525', diagnosticCode: '525 account disabled' }))).toBe('suspend');
    expect(sisimaiReason(fact({ deliveryStatus: '2.0.0', diagnosticCode: '250 ok' }))).toBe('delivered');
  });

  it('aligned phrases need their parts in order; the status table names exact codes only', () => {
    expect(includedIn('mailboxfull', 'the mailbox of rep is over its quota')).toBe(true);
    expect(includedIn('mailboxfull', 'quota for the mailbox')).toBe(false);
    expect(statusName('5.2.2')).toBe('mailboxfull');
    expect(statusName('5.1.351')).toBe('');
    expect(statusName('4.0.0')).toBe('');
  });

  it('multi-line replies are read without their continuation prefixes', () => {
    const said = squeeze('452-4.2.2 The user is receiving mail at a rate that\n452-4.2.2 prevents additional messages from being delivered.');
    expect(said).toContain('at a rate that prevents additional messages');
    expect(sisimaiReason(fact({ diagnosticCode: '451-4.7.1 Please try\n451 4.7.1 again slower' }))).toBe('onhold');
    expect(sisimaiReason(fact({ diagnosticCode: '451-4.7.1 Client host rejected: please try again\n451-4.7.1 slower' }))).toBe('ratelimited');
  });
});
