import { eq } from 'drizzle-orm';
// The Gmail API alone: the `googleapis` index loads every Google API (about 100 MB of RSS at start).
import { gmail as gmailApi, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
import type { Deps } from '../context';
import { mailboxes } from '../../../db/schema';
import { createOAuthClient, googleEndpoints, openTokens, sealedUnderOlderKey, sealTokens } from './oauth';
import { isInvalidGrantError, MailboxUnavailableError } from './errors';

export type MailboxRow = typeof mailboxes.$inferSelect;

export interface GmailClientOptions {
  /** Per-request timeout (Gmail API and token endpoint). A hung call becomes a TimeoutError. Default 30 s. */
  timeoutMs?: number;
  /** googleapis' own retries (GET only). Off by default: the send worker owns retries and backoff. */
  retry?: boolean;
  /**
   * Called (and awaited) when Google refuses the mailbox's grant (invalid_grant), on any call
   * of this client or a token refresh, before the call rejects with MailboxUnavailableError.
   * The domain decides what that means (the mailboxes module marks it needs_reauth and fails
   * its pending sends); the adapter only reports it.
   */
  onInvalidGrant: InvalidGrantHandler;
}

/** `reason` is Google's own text for the refusal. */
export type InvalidGrantHandler = (mailboxId: string, reason: string) => Promise<void>;

export type GmailDeps = Pick<Deps, 'config' | 'db' | 'logger'>;

/**
 * A googleapis Gmail client for one mailbox: tokens decrypted from the row, the OAuth2
 * client pointed at our endpoints (Google, or the emulator via GOOGLE_API_ROOT), refreshed
 * tokens sealed and saved back. A refused grant goes to `options.onInvalidGrant` and the
 * call rejects with MailboxUnavailableError; a mailbox not `active` is refused before any
 * network call.
 */
export async function gmailForMailbox(deps: GmailDeps, mailbox: string | MailboxRow, options: GmailClientOptions): Promise<gmail_v1.Gmail> {
  const row = typeof mailbox === 'string' ? await loadMailbox(deps, mailbox) : mailbox;
  if (row.status !== 'active') throw new MailboxUnavailableError(row.id, row.status);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const auth = createOAuthClient(deps.config, { timeoutMs });
  const credentials = openTokens(deps.config, row);
  auth.setCredentials(credentials);
  // Key rotation: a row still sealed under a previous key is sealed again under the current
  // one on first use, so ENCRYPTION_KEY_PREVIOUS can be dropped once every mailbox has been used.
  if (sealedUnderOlderKey(deps.config, row)) void saveRefreshedTokens(deps, row.id, sealTokens(deps.config, credentials));

  auth.on('tokens', (tokens) => {
    void saveRefreshedTokens(deps, row.id, sealTokens(deps.config, tokens));
  });
  // Every request of this client (API calls and token refreshes) passes here on failure.
  auth.transporter.interceptors.response.add({
    rejected: async (err) => {
      if (!isInvalidGrantError(err)) throw err;
      await options.onInvalidGrant(row.id, err instanceof Error ? err.message : String(err));
      throw new MailboxUnavailableError(row.id, 'needs_reauth', { cause: err });
    },
  });

  return gmailApi({ version: 'v1', auth, rootUrl: googleEndpoints(deps.config).apiRoot, timeout: timeoutMs, retry: options.retry ?? false });
}

async function loadMailbox(deps: GmailDeps, id: string): Promise<MailboxRow> {
  const [row] = await deps.db.select().from(mailboxes).where(eq(mailboxes.id, id));
  if (!row) throw new Error(`mailbox ${id} not found`);
  return row;
}

async function saveRefreshedTokens(deps: GmailDeps, mailboxId: string, sealed: ReturnType<typeof sealTokens>) {
  try {
    await deps.db.update(mailboxes).set(sealed).where(eq(mailboxes.id, mailboxId));
  } catch (err) {
    // The refreshed token still works in memory; the next client refreshes again.
    deps.logger.error({ err, mailboxId }, 'could not save refreshed Gmail tokens');
  }
}
