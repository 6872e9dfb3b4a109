import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../../env';
// The one production import of the emulator (api/emulator/ is otherwise a dev/test server):
// embedded mode's sandbox mailbox *is* the emulator, served in-process when no Google
// credentials are configured, so `npm start` can send and receive with zero setup.
import { startGmailEmulator } from '../../../emulator/server';

/**
 * In embedded mode with no Google credentials (and no GOOGLE_API_ROOT of its own), the
 * runtime serves the Gmail emulator in-process on a free 127.0.0.1 port and points
 * GOOGLE_API_ROOT at it: sandbox mailboxes then send through googleapis like real ones.
 * It is a separate listener rather than a mount on the API so that nothing under the API's
 * auth, body limit or routes changes, and its URL is the one Google's would be.
 */
export async function startSandboxMailServer(config: Config, logger: Logger): Promise<{ config: Config; close(): Promise<void> }> {
  if (!config.embedded || !config.sandboxLogin || config.google.clientId || config.google.apiRoot) return { config, close: async () => {} };
  // Tokens stay valid across restarts (the emulator's mail lives in memory; the mailbox rows do not).
  const tokenSecret = createHmac('sha256', config.encryptionKey).update('lumina-sandbox-mail').digest();
  const emulator = await startGmailEmulator({ tokenSecret });
  logger.info({ url: emulator.url }, 'sandbox mail: Gmail emulator started (no Google credentials configured)');
  return { config: { ...config, google: { ...config.google, apiRoot: emulator.url } }, close: () => emulator.close() };
}
