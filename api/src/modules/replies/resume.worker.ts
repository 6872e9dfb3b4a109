import type { Deps } from '../../context';
import { LEAD_RESUME_QUEUE, resumePausedLead } from './effects';

/** Wakes leads paused by an out-of-office once the day after their return date has come. */
export function registerLeadResumeWorker(deps: Deps) {
  deps.queue.process<{ leadId: string }>(LEAD_RESUME_QUEUE, async (job) => resumePausedLead(deps, job.data.leadId), { concurrency: 2 });
}
