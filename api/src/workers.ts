import type { Config } from './env';
import type { Deps } from './context';
import { registerSendWorker } from './modules/emails/send.worker';
import { startSweeper } from './modules/emails/sweeper';
import { registerSequenceWorker } from './modules/campaigns/sequence.worker';
import { registerLeadResumeWorker } from './modules/replies/resume.worker';
import { registerInboxSync } from './modules/replies/inbox-sync.worker';
import { registerWebhookWorker } from './modules/webhooks/deliver';
import { registerEventWriter } from './modules/tracking/recorder';
import { registerRetentionWorker } from './modules/privacy/retention.worker';

type Register = (deps: Deps) => void | (() => Promise<void>);

/** Every worker of the product, by the module whose rules it runs. */
const allWorkers: Register[] = [
  (deps) => registerSendWorker(deps, { minGapMs: deps.config.periods.sendGapMs, gapJitterMs: deps.config.periods.sendGapJitterMs }), // emails: accept → Gmail → SENT
  (deps) => startSweeper(deps), // emails: re-enqueues sends whose queued job is gone
  (deps) => registerSequenceWorker(deps, { tickMs: deps.config.periods.sequenceTickMs }), // campaigns: the sequence scheduler
  (deps) => registerLeadResumeWorker(deps), // replies: leads paused on a reply resume
  (deps) => registerInboxSync(deps, { everyMs: deps.config.periods.inboxSyncMs }), // replies: reads each mailbox's inbox for replies and bounces
  (deps) => registerWebhookWorker(deps), // webhooks: delivery with retries
  (deps) => registerEventWriter(deps), // tracking: writes batched pixel/click hits (BullMQ only)
  (deps) => registerRetentionWorker(deps), // privacy: clears raw open/click user agents and IPs past the workspace's retention, daily
];

/**
 * What each process role (LUMINA_ROLE) registers on the queue port. `api` serves HTTP
 * only; `worker` and `all` run every worker. The queue port's drivers know nothing of
 * these: this file is the one place that ties domains to processes.
 */
export const workersByRole: Record<Config['role'], Register[]> = {
  api: [],
  worker: allWorkers,
  all: allWorkers,
};

/** Registers the workers of a role; returns the function that stops them. */
export function startWorkers(deps: Deps, role: Config['role'] = deps.config.role): () => Promise<void> {
  const stops = workersByRole[role].map((register) => register(deps)).filter((s): s is () => Promise<void> => typeof s === 'function');
  return async () => {
    await Promise.all(stops.map((s) => s()));
  };
}
