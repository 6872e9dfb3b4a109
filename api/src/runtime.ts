import pino, { type Logger } from 'pino';
import { openDb } from '../../db/client';
import type { Config } from './env';
import type { Deps } from './context';
import { createApp } from './app';
import { openQueue } from './jobs';
import { releaseDeadProcessJobs } from './jobs/inline';
import { releaseDeadProcessLeases } from './modules/emails/send.worker';
import { startWorkers } from './workers';
import { startSandboxMailServer } from './modules/sandbox/mail-server';
import { closeAi } from './ai/ai-runtime';
import { closeRateLimits } from './middleware/rate-limit';
import { closeEventRecorder } from './modules/tracking/recorder';

export interface Runtime {
  deps: Deps;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/**
 * Opens the database (applying migrations), the queue, and — by role — the workers.
 * The HTTP server is the caller's business (server.ts, or tests with app.request()).
 */
export async function startRuntime(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<Runtime> {
  const sandboxMail = await startSandboxMailServer(config, logger);
  config = sandboxMail.config;
  const dbHandle = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (dbHandle.kind === 'pglite') {
    // One process owns a PGlite directory: whatever is claimed in it now was claimed by a
    // process that crashed (SIGKILL, power loss). Let it go before the workers start.
    const jobs = await releaseDeadProcessJobs(dbHandle.db);
    const leases = await releaseDeadProcessLeases(dbHandle.db);
    if (jobs || leases) logger.warn({ jobs, leases }, 'released the jobs and send leases of a process that stopped without shutting down');
  }
  const queue = openQueue(config, dbHandle.db, (err) => logger.error({ err }, 'queue error'));
  const deps: Deps = { config, db: dbHandle.db, dbKind: dbHandle.kind, databaseUrl: dbHandle.url, queue, logger, pingDb: dbHandle.ping };
  const stopWorkers = startWorkers(deps, config.role);
  const app = createApp(deps);
  return {
    deps,
    app,
    async close() {
      await closeEventRecorder(deps);
      await stopWorkers();
      await closeAi(deps);
      await closeRateLimits(deps);
      await queue.close();
      await sandboxMail.close();
      await dbHandle.close();
    },
  };
}
