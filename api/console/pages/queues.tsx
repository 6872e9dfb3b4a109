/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import type { QueuesResponse } from '../../../shared/contracts/admin';
import { BarChart } from '../bar-chart';

const SERIES = [
  { key: 'waiting', color: '#4c6ef5' },
  { key: 'active', color: '#12b886' },
  { key: 'delayed', color: '#fab005' },
  { key: 'failed', color: '#e03131' },
];

export const QueuesPage: FC<{ health: QueuesResponse }> = ({ health }) => (
  <>
    <p class="muted">Driver: {health.driver === 'bullmq' ? 'BullMQ on Redis' : 'inline (jobs kept in the database)'}</p>
    <BarChart title="Jobs per queue" series={SERIES} groups={health.queues.map((q) => ({ label: q.name, values: q.counts ?? {} }))} />
    <table>
      <thead>
        <tr>
          <th>Queue</th>
          <th>Waiting</th>
          <th>Active</th>
          <th>Delayed</th>
          <th>Failed</th>
          <th>Completed</th>
        </tr>
      </thead>
      <tbody>
        {health.queues.map((q) => (
          <tr data-queue={q.name}>
            <td>{q.name}</td>
            {q.counts ? (
              <>
                <td>{q.counts.waiting}</td>
                <td>{q.counts.active}</td>
                <td>{q.counts.delayed}</td>
                <td>{q.counts.failed}</td>
                <td>{q.counts.completed}</td>
              </>
            ) : (
              <td colspan={5} class="error">
                {q.error ?? 'unavailable'}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  </>
);
