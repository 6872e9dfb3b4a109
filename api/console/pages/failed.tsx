/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { Email } from '../../../shared/contracts/emails';
import { listEmails, retriesOf, retryFailedSend } from '../../src/modules/emails/service';
import { validate } from '../../src/middleware/validate';
import { Empty, PostForm, When, useViewer } from '../layout';
import { PAGE, act, consoleApp, paged, render } from '../render';
import { emailStatusWords, failureKind } from '../words';

type Retry = { id: string; status: string };
const idParam = z.object({ id: z.uuid() });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

export const failedRoutes = consoleApp()
  .get('/failed', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { db } = c.get('deps');
    const ws = c.get('session').workspaceId;
    const { rows, total } = await listEmails(db, ws, { status: 'FAILED', page: n, limit: PAGE });
    const retries = await retriesOf(db, ws, rows.map((r) => r.id));
    return render(c, 'Failed sends', paged(<FailedPage rows={rows} retries={retries} />, '/console/failed', n, total));
  })
  .post('/failed/:id/retry', validate('param', idParam), async (c) =>
    act(c, '/console/failed', async () => {
      const answer = await retryFailedSend(c.get('deps'), c.get('session'), c.req.valid('param').id);
      return answer.replay ? 'This send was already retried once; the retry is shown below.' : 'Retry queued: Lumina sends it again within the mailbox’s window and cap.';
    }),
  );

export const FailedPage: FC<{ rows: Email[]; retries: Map<string, Retry> }> = ({ rows, retries }) => {
  const viewer = useViewer();
  return (
    <>
      <p class="muted">Emails Lumina could not deliver, newest first. A retry is a new send through the normal queue, made once.</p>
      <table class="rows">
        <thead>
          <tr>
            <th>To</th>
            <th>Subject</th>
            <th>Why it failed</th>
            <th>When</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && <Empty cols={5}>No failed sends — nothing needs your attention.</Empty>}
          {rows.map((e) => {
            const kind = failureKind(e.failureReason);
            const retry = retries.get(e.id);
            return (
              <tr data-failed={e.to}>
                <td data-label="To">{e.to}</td>
                <td data-label="Subject">{e.subject}</td>
                <td data-label="Why">
                  {e.failureReason ?? 'No reason was recorded.'}
                  <div class="muted small">{kind.advice}</div>
                </td>
                <td data-label="When">
                  <When at={e.updatedAt} />
                </td>
                <td>
                  {retry ? (
                    <span class="badge" data-retry={retry.status}>
                      Retried: {emailStatusWords(retry.status)}
                    </span>
                  ) : kind.retryable && viewer?.role !== 'viewer' ? (
                    <PostForm action={`/console/failed/${e.id}/retry`} class="inline">
                      <button type="submit" class="primary">
                        Retry
                      </button>
                    </PostForm>
                  ) : (
                    <span class="muted small">No retry</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
};
