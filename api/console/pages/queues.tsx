/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { QueuesResponse } from '../../../shared/contracts/admin';
import { BarChart } from '../bar-chart';

const SERIES = [
  { key: 'waiting', color: '#4c6ef5', label: 'Waiting' },
  { key: 'active', color: '#12b886', label: 'Running' },
  { key: 'delayed', color: '#f59f00', label: 'Scheduled later' },
  { key: 'failed', color: '#e03131', label: 'Failed' },
];

const QUEUE_WORDS: Record<string, string> = { send: 'Sending', sequence: 'Sequence steps', 'lead-resume': 'Leads coming back', webhooks: 'Webhooks', 'inbox-sync': 'Inbox sync', events: 'Tracking events' };

export const QueuesPage: FC<{ health: QueuesResponse }> = ({ health }) => (
  <>
    <p class="muted">Driver: {health.driver === 'bullmq' ? 'BullMQ on Redis' : 'inline (jobs kept in the database, run in this process)'}</p>
    <BarChart title="Jobs per queue" unit="jobs" series={SERIES} groups={health.queues.map((q) => ({ label: QUEUE_WORDS[q.name] ?? q.name, values: q.counts ?? {} }))} />
    <table class="rows">
      <thead>
        <tr>
          <th>Queue</th>
          <th>Waiting</th>
          <th>Running</th>
          <th>Scheduled later</th>
          <th>Failed</th>
          <th>Done</th>
        </tr>
      </thead>
      <tbody>
        {health.queues.map((q) => (
          <tr data-queue={q.name}>
            <td data-label="Queue">
              {QUEUE_WORDS[q.name] ?? q.name} <span class="muted small">({q.name})</span>
            </td>
            {q.counts ? (
              <>
                <td data-label="Waiting">{q.counts.waiting}</td>
                <td data-label="Running">{q.counts.active}</td>
                <td data-label="Scheduled later">{q.counts.delayed}</td>
                <td data-label="Failed">{q.counts.failed}</td>
                <td data-label="Done">{q.counts.completed}</td>
              </>
            ) : (
              <td colspan={5} class="error">
                Could not read this queue: {q.error ?? 'unavailable'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
