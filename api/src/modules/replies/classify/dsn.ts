/** One per-recipient block of an RFC 3464 delivery-status part. */
export interface DsnRecipient {
  recipient: string | null;
  action: string;
  status: string | null;
  diagnostic: string;
  /** The Diagnostic-Code's type (RFC 3464 §2.3.6): `smtp` when a remote server said it, `x-unix` / `x-postfix` for a local mailer. */
  diagnosticType: string;
  /** The host that gave the answer (RFC 3464 §2.3.5 Remote-MTA), when the report names it. */
  remoteMta: string | null;
}

/**
 * Reads the per-recipient fields of a message/delivery-status body. Blocks are separated
 * by blank lines; a block without a recipient field (the per-message block) is skipped.
 * Non-standard reporters put fields on one block or leave the address type off, so both
 * are accepted.
 */
export function parseDeliveryStatus(body: string): DsnRecipient[] {
  const recipients: DsnRecipient[] = [];
  for (const block of body.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = readFields(block);
    const address = fields.get('final-recipient') ?? fields.get('original-recipient') ?? fields.get('x-actual-recipient');
    if (!address && !fields.get('status') && !fields.get('diagnostic-code')) continue;
    recipients.push({
      recipient: address ? addressOf(address) : null,
      action: (fields.get('action') ?? '').toLowerCase().trim(),
      status: enhancedStatus(fields.get('status') ?? '') ?? enhancedStatus(fields.get('diagnostic-code') ?? ''),
      diagnostic: stripType(fields.get('diagnostic-code') ?? '').trim(),
      diagnosticType: /^\s*([\w-]+)\s*;/.exec(fields.get('diagnostic-code') ?? '')?.[1]?.toLowerCase() ?? '',
      remoteMta: /^\s*(?:dns\s*;\s*)?\[?([a-z0-9][a-z0-9.-]*[a-z0-9])/i.exec(fields.get('remote-mta') ?? '')?.[1]?.toLowerCase() ?? null,
    });
  }
  return recipients;
}

/** The failed recipient block: the first 'failed', else the first 'delayed', else the first. */
export function failedRecipient(recipients: DsnRecipient[]): DsnRecipient | undefined {
  return (
    recipients.find((r) => r.action.startsWith('fail')) ??
    recipients.find((r) => r.action.startsWith('delay')) ??
    recipients.find((r) => r.recipient !== null) ??
    recipients[0]
  );
}

/** The first RFC 3463 enhanced status code in a text, e.g. `5.1.1`. */
export function enhancedStatus(text: string): string | null {
  const m = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d]|\.\d)/.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/** An address out of `rfc822; <a@b>` or a bare `a@b`. */
export function addressOf(value: string): string | null {
  const m = /("[^"\r\n]+"|[^\s<>;:"'()[\],]+)@[^\s<>;:"'()[\],]+[a-z0-9]/i.exec(stripType(value));
  return m ? m[0].toLowerCase() : null;
}

function stripType(value: string): string {
  return value.replace(/^\s*(rfc822|smtp|x-[\w-]+|utf-8|unknown)\s*;\s*/i, '');
}

function readFields(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  let current: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      fields.set(current, `${fields.get(current)} ${line.trim()}`);
      continue;
    }
    const m = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    current = m[1]!.toLowerCase();
    if (!fields.has(current)) fields.set(current, m[2]!);
    else current = null; // keep the first of a repeated field
  }
  return fields;
}
