/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { z } from 'zod';
import type { ReplyItem } from '../../../shared/contracts/replies';
import { replyMeaningSchema } from '../../../shared/contracts/replies';
import { listReplies, replyCampaignChoices } from '../../src/modules/replies/list';
import { validate } from '../../src/middleware/validate';
import { Empty, When } from '../layout';
import { DateTime } from 'luxon';
import { PAGE, consoleApp, paged, render } from '../render';
import { REPLY_MEANINGS, bounceReasonWords, leadStatusWords, replyMeaningWords } from '../words';

/** Unknown filter values fall back to "all" rather than failing a page a person typed into. */
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
  meaning: replyMeaningSchema.optional().catch(undefined),
  campaignId: z.uuid().optional().catch(undefined),
});

const COUNT_UP_TO = 10_000;

export const replyRoutes = consoleApp().get('/replies', validate('query', listQuery), async (c) => {
  const { page, meaning, campaignId } = c.req.valid('query');
  const { db } = c.get('deps');
  const session = c.get('session');
  const [{ rows, total, capped }, choices] = await Promise.all([
    // Counted up to 10,000: past that the page says "more than" (the count was most of the page's time).
    listReplies(db, session, { page, limit: PAGE, scope: 'workspace', meaning, campaignId }, { countUpTo: COUNT_UP_TO }),
    replyCampaignChoices(db, session.workspaceId),
  ]);
  const scope = session.role === 'admin' ? 'the workspace’s mail' : 'what you sent';
  return render(
    c,
    'Replies',
    paged(<RepliesPage rows={rows} total={total} capped={capped} scope={scope} meaning={meaning} campaignId={campaignId} campaigns={choices} />, '/console/replies', page, total, { meaning, campaignId }),
  );
});

export const RepliesPage: FC<{ rows: ReplyItem[]; total: number; capped?: boolean; scope: string; meaning?: string; campaignId?: string; campaigns: Array<{ id: string; name: string }> }> = ({
  rows,
  total,
  capped,
  scope,
  meaning,
  campaignId,
  campaigns: choices,
}) => (
  <>
    <p class="muted">
      Everything that came back to {scope}, newest first: {capped ? `more than ${total.toLocaleString('en')} messages` : `${total.toLocaleString('en')} message${total === 1 ? '' : 's'}`}.
    </p>
    <form method="get" action="/console/replies" class="toolbar" role="search">
      <div>
        <label for="meaning">Meaning</label>
        <select id="meaning" name="meaning">
          <option value="">All</option>
          {REPLY_MEANINGS.map((m) => (
            <option value={m} selected={m === meaning}>
              {replyMeaningWords(m)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="campaignId">Campaign</label>
        <select id="campaignId" name="campaignId">
          <option value="">All</option>
          {choices.map((k) => (
            <option value={k.id} selected={k.id === campaignId}>
              {k.name}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Filter</button>
    </form>
    <table class="rows">
      <thead>
        <tr>
          <th class="wide">From</th>
          <th>Meaning</th>
          <th>What they said</th>
          <th>Campaign and lead</th>
          <th>Received</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && <Empty cols={5}>{meaning || campaignId ? 'Nothing matches these filters.' : 'No replies yet. They appear here as soon as Lumina sees them.'}</Empty>}
        {rows.map((r) => (
          <tr data-reply={r.meaning}>
            <td data-label="From">
              {r.from ?? r.email.to}
              <div class="muted small">to “{r.email.subject}”</div>
            </td>
            <td data-label="Meaning">
              <span class="badge">{replyMeaningWords(r.meaning)}</span>
              <MeaningDetail r={r} />
            </td>
            <td data-label="Said">{r.snippet ?? <span class="muted">(no text)</span>}</td>
            <td data-label="Campaign">
              {r.campaign ? r.campaign.name : <span class="muted">Not in a campaign</span>}
              {r.leadStatus && <div class="muted small">{leadStatusWords(r.leadStatus)}</div>}
            </td>
            <td data-label="Received">
              <When at={r.receivedAt} />
              {r.email.threadId && (
                <div class="small">
                  <a href={`https://mail.google.com/mail/u/0/#all/${encodeURIComponent(r.email.threadId)}`} target="_blank" rel="noopener noreferrer">
                    Open in Gmail
                  </a>
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </>
);

const MeaningDetail: FC<{ r: ReplyItem }> = ({ r }) => {
  if (r.meaning === 'out_of_office') return <div class="muted small">{r.returnDate ? `Back ${formatDay(r.returnDate)}` : 'No return date given'}</div>;
  if (r.meaning === 'referral' && r.referral) return <div class="muted small">Talk to {[r.referral.name, r.referral.email].filter(Boolean).join(', ')}</div>;
  if (r.meaning === 'bounce' && r.bounceReason) return <div class="muted small">Because {bounceReasonWords(r.bounceReason)}</div>;
  return null;
};

/** A return date is a day, not a moment: shown as the person wrote it, in no zone. */
const formatDay = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toFormat('ccc d LLL yyyy');
