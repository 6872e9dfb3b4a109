import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import { addressParser } from 'postal-mime';
import { headerValue, parsePayload, snippetOf } from './mime-tree';

/** What an injected inbound message answers: the stored raw of a message the mailbox sent. */
export interface Original {
  raw: Buffer;
  /** The mailbox the original was sent from (the inbound message's recipient). */
  mailbox: string;
}

export interface ReplyInput {
  text: string;
  /** Who replies; defaults to the original's first recipient. */
  from?: string;
}

export interface AutoReplyInput {
  /** ISO date (or any text) the person says they are back; put in the body when given. */
  returnDate?: string;
  from?: string;
}

export interface BounceInput {
  /** true: permanent 5.1.1 user unknown; false: transient 4.2.2 mailbox full. */
  hard: boolean;
  /** The failed recipient; defaults to the original's first recipient. */
  recipient?: string;
}

/** A person's answer, threaded the way mail clients thread (In-Reply-To, References). */
export function buildReply(original: Original, input: ReplyInput): Promise<Buffer> {
  const o = describe(original);
  return new MailComposer({
    from: input.from ?? o.recipient,
    to: original.mailbox,
    subject: reSubject(o.subject),
    text: `${input.text}\n\nOn ${o.date}, ${original.mailbox} wrote:\n> ${snippetOf(parsePayload(original.raw, true))}`,
    messageId: newMessageId(input.from ?? o.recipient),
    inReplyTo: o.messageId,
    references: o.references,
  })
    .compile()
    .build();
}

/** An out-of-office answer, marked as RFC 3834 wants (`Auto-Submitted: auto-replied`). */
export function buildAutoReply(original: Original, input: AutoReplyInput): Promise<Buffer> {
  const o = describe(original);
  const from = input.from ?? o.recipient;
  const back = input.returnDate ? ` I will be back on ${input.returnDate} and will answer then.` : ' I will answer when I am back.';
  return new MailComposer({
    from,
    to: original.mailbox,
    subject: `Automatic reply: ${o.subject}`,
    text: `Thank you for your message. I am out of the office with limited access to email.${back}`,
    messageId: newMessageId(from),
    inReplyTo: o.messageId,
    references: o.references,
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes', Precedence: 'auto_reply' },
  })
    .compile()
    .build();
}

/**
 * A delivery status notification shaped like Gmail's own (RFC 3464):
 * `multipart/report; report-type=delivery-status` with a human part, the machine-readable
 * `message/delivery-status` part and the original's headers.
 */
export function buildBounce(original: Original, input: BounceInput): Promise<Buffer> {
  const o = describe(original);
  const recipient = input.recipient ?? o.recipient;
  const domain = recipient.split('@')[1] ?? 'example.com';
  const status = input.hard ? '5.1.1' : '4.2.2';
  const diagnostic = input.hard
    ? `smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.`
    : `smtp; 452-4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp`;
  const human = input.hard
    ? `Address not found\n\nYour message wasn't delivered to ${recipient} because the address couldn't be found, or is unable to receive mail.\n\nThe response from the remote server was:\n${diagnostic.slice(6)}\n`
    : `Message not delivered yet\n\nThere was a temporary problem delivering your message to ${recipient}. Gmail will retry for 46 more hours. You'll be notified if the delivery fails permanently.\n\nThe response from the remote server was:\n${diagnostic.slice(6)}\n`;
  const now = new Date().toUTCString();

  const root = new MimeNode('multipart/report; report-type=delivery-status');
  root.setHeader({
    From: 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>',
    To: original.mailbox,
    Subject: input.hard ? 'Delivery Status Notification (Failure)' : 'Delivery Status Notification (Delay)',
    'Message-ID': newMessageId('mx.google.com'),
    'In-Reply-To': o.messageId,
    References: o.references.join(' '),
    'Auto-Submitted': 'auto-replied',
    Date: now,
  });
  root.createChild('text/plain; charset=utf-8').setContent(human);
  root.createChild('message/delivery-status').setContent(
    [
      'Reporting-MTA: dns; googlemail.com',
      `Arrival-Date: ${o.date}`,
      `X-Original-Message-ID: ${o.messageId}`,
      '',
      `Final-Recipient: rfc822; ${recipient}`,
      `Action: ${input.hard ? 'failed' : 'delayed'}`,
      `Status: ${status}`,
      `Remote-MTA: dns; mx.${domain}.`,
      `Diagnostic-Code: ${diagnostic}`,
      `Last-Attempt-Date: ${now}`,
      ...(input.hard ? [] : [`Will-Retry-Until: ${new Date(Date.now() + 46 * 3600_000).toUTCString()}`]),
      '',
    ].join('\r\n'),
  );
  root.createChild('text/rfc822-headers').setContent(headerBlock(original.raw));
  return root.build();
}

function describe(original: Original) {
  const h = (name: string) => headerValue(original.raw, name);
  const messageId = h('message-id') ?? `<${randomUUID()}@emulator.invalid>`;
  const recipient = addressParser(h('to') ?? '')[0];
  const recipientAddress = recipient && 'address' in recipient && recipient.address ? recipient.address : 'someone@example.com';
  const earlier = (h('references') ?? '').split(/\s+/).filter(Boolean);
  return {
    messageId,
    subject: h('subject') ?? '',
    date: h('date') ?? new Date().toUTCString(),
    recipient: recipientAddress,
    references: [...earlier, messageId],
  };
}

function headerBlock(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  return `${end ? text.slice(0, end.index) : text}\r\n`;
}

const reSubject = (subject: string) => (/^re:/i.test(subject) ? subject : `Re: ${subject}`);
const newMessageId = (address: string) => `<${randomUUID()}@${address.split('@').pop()}>`;
