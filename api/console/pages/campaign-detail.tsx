/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { Campaign, CampaignStats, LaunchCheck, Lead } from '../../../shared/contracts/campaigns';
import { leadStatusSchema } from '../../../shared/contracts/campaigns';
import { mayChange } from '../../src/lib/ownership';
import { Empty, PostForm, When, useViewer } from '../layout';
import { campaignStatusWords, delayWords, leadReasonWords, leadStatusWords, stepConditionWords } from '../words';
import { CAMPAIGN_CSS } from './campaign-editor';
import type { SenderWarning } from '../../src/modules/deliverability/sender';

type StepStats = CampaignStats['steps'][number];

/** One campaign: what it does, how it stands, per step and A/B version, and each lead with what happened. */
export const CampaignDetail: FC<{
  campaign: Campaign;
  stats: CampaignStats;
  owner: string | null;
  mailbox: string | null;
  leads: Lead[];
  leadFilter?: string;
  /** Inbound messages to the campaign's mail the viewer can read on Replies; null when they are someone else's. */
  cameBack?: number | null;
  /** What launch or resume would say (GET /api/campaigns/:id/launch-check): sender and recipient problems warn, blockers refuse. */
  check?: LaunchCheck | null;
  /** The sending mailbox's DNS checks page, to fix what the warnings name. */
  senderDnsHref?: string;
}> = ({ campaign: c, stats, owner, mailbox, leads, leadFilter, cameBack = null, check = null, senderDnsHref }) => {
  const senderWarnings = check?.warnings ?? [];
  const problems = check?.recipients.problems ?? [];
  const viewer = useViewer();
  const editable = Boolean(viewer && mayChange(viewer, 'campaign', c.ownerId) && c.status !== 'archived');
  const inSequence = stats.leads.pending + stats.leads.active + stats.leads.paused;
  return (
    <>
      <style>{raw(CAMPAIGN_CSS)}</style>
      <p>
        <a href="/console/campaigns">← All campaigns</a>
      </p>
      <p>
        <span class={`badge ${c.status === 'active' ? 'good' : ''}`} data-status={c.status}>
          {campaignStatusWords(c.status)}
        </span>{' '}
        <span class="muted">
          Owner: {owner ?? 'a former member (admins manage it)'} · sends from {mailbox ?? 'the owner’s own mailbox'} · created <When at={c.createdAt} />
        </span>
      </p>
      {editable ? (
        <div class="toolbar" aria-label="Campaign actions">
          <a class="button" href={`/console/campaigns/${c.id}/edit`}>
            Edit sequence
          </a>
          <a class="button" href={`/console/campaigns/${c.id}/leads/add`}>
            Add leads
          </a>
          {c.status === 'draft' && (
            <PostForm action={`/console/campaigns/${c.id}/launch`} class="inline">
              <button type="submit" class="primary" disabled={c.steps.length === 0}>
                Launch
              </button>
            </PostForm>
          )}
          {c.status === 'active' && (
            <PostForm action={`/console/campaigns/${c.id}/pause`} class="inline">
              <button type="submit">Pause campaign</button>
            </PostForm>
          )}
          {c.status === 'paused' && (
            <PostForm action={`/console/campaigns/${c.id}/resume`} class="inline">
              <button type="submit" class="primary">
                Resume campaign
              </button>
            </PostForm>
          )}
          <a class="button danger" href={`/console/campaigns/${c.id}/archive`}>
            Archive…
          </a>
        </div>
      ) : (
        <p class="muted">
          {c.status === 'archived' ? 'Archived: read-only, kept for its figures.' : viewer?.role === 'viewer' ? 'You can read this campaign; viewers change nothing.' : 'Only its owner or an admin can change this campaign.'}
        </p>
      )}
      {c.status === 'draft' && c.steps.length === 0 && <p class="warn">Add at least one step before launching.</p>}
      {(c.status === 'draft' || c.status === 'paused') &&
        check?.blockers
          .filter((b) => b.code !== 'no_steps')
          .map((b) => (
            <p class="warn" data-blocker={b.code}>
              {b.message}
            </p>
          ))}
      {senderWarnings.length > 0 && <SenderCheck warnings={senderWarnings} dnsHref={senderDnsHref} />}
      {problems.length > 0 && (
        <section class="warn" aria-label="Recipient check" data-recipient-check>
          <strong>
            {check!.recipients.unsendable > 0
              ? `${check!.recipients.unsendable} of ${leadsWord(check!.recipients.checked)} still to be mailed will be skipped; others are worth a look.`
              : `${problems.length} of ${leadsWord(check!.recipients.checked)} still to be mailed are worth a look.`}
          </strong>
          <ul>
            {problems.slice(0, 10).map((p) => (
              <li data-recipient={p.email} data-sendable={String(p.sendable)}>
                <strong>{p.email}</strong> — {p.message}
              </li>
            ))}
          </ul>
          {problems.length > 10 && <p class="muted small">…and {problems.length - 10} more.</p>}
        </section>
      )}
      <div class="cards" aria-label="Totals">
        <Card n={stats.leads.total} label="leads" figure="leads" />
        <Card n={inSequence} label="still in sequence" figure="in-sequence" />
        <Card n={stats.emails.sent} label="sent" figure="sent" />
        <Card n={stats.emails.queued} label="queued" figure="queued" />
        <Card n={stats.events.opened} label="opened (people)" figure="opened" />
        <Card n={stats.events.replied} label="replied" figure="replied" />
        <Card n={stats.events.bounced} label="bounced" figure="bounced" />
      </div>
      {cameBack !== null && (
        <p data-came-back={cameBack}>
          {cameBack === 0 ? (
            'Nothing has come back yet: replies, out-of-office notes and bounces show up here and on Replies.'
          ) : (
            <>
              {cameBack === 1 ? '1 message' : `${cameBack} messages`} came back (replies, out-of-office notes, bounces):{' '}
              <a href={`/console/replies?campaignId=${c.id}`}>read {cameBack === 1 ? 'it' : 'them'} on Replies</a>.
            </>
          )}
        </p>
      )}
      <h2>Steps and how they did</h2>
      <StepsTable campaign={c} stats={stats} />
      <h2>Leads</h2>
      <LeadStates stats={stats} />
      <form method="get" action={`/console/campaigns/${c.id}`} class="toolbar" aria-label="Filter leads">
        <div>
          <label for="leads">State</label>
          <select id="leads" name="leads">
            <option value="">Every state</option>
            {leadStatusSchema.options.map((s) => (
              <option value={s} selected={s === leadFilter}>
                {leadStatusWords(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      <table class="rows">
        <thead>
          <tr>
            <th>Lead</th>
            <th>State</th>
            <th>Step</th>
            <th>Next</th>
            <th class="wide">Why</th>
            {editable && <th>Actions</th>}
          </tr>
        </thead>
        <tbody>
          {leads.length === 0 && (
            <Empty cols={editable ? 6 : 5}>{leadFilter ? 'No lead in this state.' : editable ? 'No leads yet — add them from your prospects or a CSV.' : 'No leads yet.'}</Empty>
          )}
          {leads.map((l) => (
            <tr data-lead={l.email}>
              <td data-label="Lead">
                <a href={`/console/prospects/${l.prospectId}`}>{l.email}</a>
              </td>
              <td data-label="State" data-lead-state={l.status}>
                {leadStatusWords(l.status)}
              </td>
              <td data-label="Step">
                {Math.min(l.currentStep, stats.stepCount)} of {stats.stepCount} done
              </td>
              <td data-label="Next">{l.status === 'paused' && l.pausedUntil ? <>resumes <When at={l.pausedUntil} /></> : l.nextDueAt && (l.status === 'active' || l.status === 'pending') ? <When at={l.nextDueAt} /> : <span class="muted">—</span>}</td>
              <td data-label="Why">{l.reason ? leadReasonWords(l.reason, viewer?.tz ?? 'UTC') : <span class="muted">—</span>}</td>
              {editable && (
                <td data-label="Actions">
                  <LeadActions campaignId={c.id} lead={l} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
};

/**
 * The sender check in words: what is wrong with the sending domain, that the campaign still
 * sends (a warning, never a block), and where to fix it. Each problem leads with its name
 * ("DMARC missing"), the explanation after.
 */
const SenderCheck: FC<{ warnings: SenderWarning[]; dnsHref?: string }> = ({ warnings, dnsHref }) => {
  const boxes = [...new Set(warnings.map((w) => w.mailbox))];
  const domain = boxes.length === 1 ? boxes[0]!.slice(boxes[0]!.lastIndexOf('@') + 1) : null;
  return (
    <section class="warn sender-check" aria-label="Sender check" data-sender-check>
      <h2>Check the sender</h2>
      <p>
        {warnings.every((w) => w.check === 'sender') ? (
          <>Lumina could not read the sending domain’s DNS records in time, so it cannot tell whether receivers will trust this mail.</>
        ) : (
          <>
            Mail from {domain ? <strong>{boxes[0]}</strong> : 'this campaign'} may be rejected or land in spam until {domain ? `${domain}’s` : 'its domain’s'} DNS records are fixed.
          </>
        )}{' '}
        The campaign still sends meanwhile.
      </p>
      <ul>
        {warnings.map((w) => {
          const cut = w.message.indexOf(': ');
          return (
            <li data-check={w.check}>
              {!domain && <>{w.mailbox}: </>}
              {cut > 0 ? (
                <>
                  <strong>{w.message.slice(0, cut)}</strong>: {w.message.slice(cut + 2)}
                </>
              ) : (
                w.message
              )}
            </li>
          );
        })}
      </ul>
      {dnsHref && (
        <p>
          <a href={dnsHref}>See the DNS checks and what to add</a>
        </p>
      )}
    </section>
  );
};

const Card: FC<{ n: number; label: string; figure: string }> = ({ n, label, figure }) => (
  <div class="card" data-figure={figure}>
    <b>{n}</b>
    {label}
  </div>
);

const LeadStates: FC<{ stats: CampaignStats }> = ({ stats }) => {
  const present = leadStatusSchema.options.filter((s) => stats.leads[s] > 0);
  if (present.length === 0) return null;
  return (
    <p class="states" aria-label="Leads by state">
      {present.map((s) => (
        <span class="badge" data-lead-count={s}>
          {leadStatusWords(s)}: {stats.leads[s]}
        </span>
      ))}
    </p>
  );
};

const LeadActions: FC<{ campaignId: string; lead: Lead }> = ({ campaignId, lead }) => {
  const base = `/console/campaigns/${campaignId}/leads/${lead.id}`;
  const live = lead.status === 'pending' || lead.status === 'active' || lead.status === 'paused';
  if (!live) return <span class="muted">—</span>;
  return (
    <span class="toolbar" style="margin:0">
      {lead.status === 'paused' ? (
        <PostForm action={`${base}/resume`} class="inline">
          <button type="submit">Resume</button>
        </PostForm>
      ) : (
        <PostForm action={`${base}/pause`} class="inline">
          <button type="submit">Pause</button>
        </PostForm>
      )}
      <a class="button" href={`${base}/remove`}>
        Remove…
      </a>
    </span>
  );
};

const pct = (r: number) => `${Math.round(r * 1000) / 10}%`;

const StepsTable: FC<{ campaign: Campaign; stats: CampaignStats }> = ({ campaign, stats }) => {
  const live = new Map(campaign.steps.map((s) => [s.id, s]));
  // Steps with nothing sent yet appear too, so the sequence reads whole.
  const rows: Array<{ id: string; position: number; stats?: StepStats }> = [
    ...stats.steps.map((s) => ({ id: s.stepId, position: s.position, stats: s })),
    ...campaign.steps.filter((s) => !stats.steps.some((x) => x.stepId === s.id)).map((s) => ({ id: s.id, position: s.position, stats: undefined })),
  ].sort((a, b) => a.position - b.position || Number(Boolean(a.stats?.retired)) - Number(Boolean(b.stats?.retired)));
  if (rows.length === 0) return <p class="muted">No step yet — edit the sequence to write the first email.</p>;
  return (
    <table class="rows stats">
      <thead>
        <tr>
          <th class="wide">Step</th>
          <th class="num">Sent</th>
          <th class="num">Opened</th>
          <th class="num">Clicked</th>
          <th class="num">Replied</th>
          <th class="num">Bounced</th>
          <th class="num">Skipped</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const step = live.get(r.id);
          const s = r.stats;
          return (
            <>
              <tr data-step-stats={r.position + 1} data-retired={s?.retired ? 'yes' : undefined}>
                <td>
                  <strong>Step {r.position + 1}</strong>
                  {s?.retired && <span class="badge">earlier version</span>}
                  {step && (
                    <div class="muted small">
                      {delayWords(step.delay, step.delayUnit, step.position === 0)} · {stepConditionWords(step.condition)}
                      {step.position > 0 && (step.sameThread ? ' · same thread' : ' · new thread')}
                      {step.variants.length > 0 && ` · A/B test of ${step.variants.length}`}
                      {step.variants.length > 0 && step.winnerAfter != null && ` · winner to the rest after ${step.winnerAfter} sends per version`}
                      <br />{step.variants[0]?.subject || step.subject ? `“${step.variants[0]?.subject || step.subject}”` : step.templateId ? 'Subject from its template' : '“Re: …” the previous email'}
                    </div>
                  )}
                </td>
                <td data-label="Sent" class="num">{s?.sent ?? 0}</td>
                <td data-label="Opened" class="num">{s?.opened ?? 0}</td>
                <td data-label="Clicked" class="num">{s?.clicked ?? 0}</td>
                <td data-label="Replied" class="num">{s?.replied ?? 0}</td>
                <td data-label="Bounced" class="num">{s?.bounced ?? 0}</td>
                <td data-label="Skipped" class="num">{s?.skipped ?? 0}</td>
              </tr>
              {s?.variants.map((v) => (
                <tr data-variant-stats={`${r.position + 1}${v.id}`}>
                  <td>
                    ↳ Version {v.id} <span class="muted small">({v.weight}% of leads)</span>
                    {s.abTest?.winner === v.id && <span class="badge good">winner</span>}
                  </td>
                  <td data-label="Sent" class="num">{v.sent}</td>
                  <td data-label="Opened" class="num">
                    {v.opened} <span class="muted small">{pct(v.rates.open)}</span>
                  </td>
                  <td data-label="Clicked" class="num">{v.clicked}</td>
                  <td data-label="Replied" class="num">
                    {v.replied} <span class="muted small">{pct(v.rates.reply)}</span>
                  </td>
                  <td data-label="Bounced" class="num">{v.bounced}</td>
                  <td data-label="Skipped" class="num muted">—</td>
                </tr>
              ))}
              {s?.abTest && (
                <tr data-ab-verdict={r.position + 1}>
                  <td colspan={7}>
                    <Verdict test={s.abTest} />
                    <WinnerToRest stats={s} />
                  </td>
                </tr>
              )}
            </>
          );
        })}
      </tbody>
    </table>
  );
};

/**
 * "Send the winner to the rest" in words: what the scheduler does now with the leads still to
 * come, and the counts of the first sends per version it decided on.
 */
const WinnerToRest: FC<{ stats: StepStats }> = ({ stats: s }) => {
  const n = s.winnerAfter;
  if (n == null) return null;
  const test = s.winnerTest;
  const metric = test?.metric === 'open' ? 'opens by people' : 'replies';
  const counts = test && test.compared.length === 2 ? `${test.compared.map((v) => `${v.hits}/${v.sent}`).join(' vs ')}${test.pValue !== null ? `, p = ${pWords(test.pValue)}` : ''}` : '';
  if (s.winnerToRest) {
    return (
      <p class="verdict small" data-winner-to-rest={s.winnerToRest}>
        <strong>Sending version {s.winnerToRest} to the rest</strong>: it won on {metric}, {counts}.
      </p>
    );
  }
  const short = s.variants.filter((v) => v.sent < n);
  if (short.length > 0) {
    return (
      <p class="verdict small" data-winner-to-rest="waiting">
        <strong>Waiting for {n} sends per version before picking a winner</strong> ({s.variants.map((v) => `${v.id}: ${Math.min(v.sent, n)} of ${n}`).join(', ')}). Until then leads get the split.
      </p>
    );
  }
  return (
    <p class="verdict small" data-winner-to-rest="no-winner">
      <strong>No clear winner on the first {n} sends per version yet</strong>
      {counts && ` (${metric}: ${counts})`}, so leads keep the split. Lumina checks again as replies and opens come in.
    </p>
  );
};

const pWords = (p: number) => (p < 0.001 ? '< 0.001' : String(Number(p.toPrecision(2))));

/** The A/B answer and what it rests on: the two versions compared, their counts, the p-value. */
const Verdict: FC<{ test: NonNullable<StepStats['abTest']> }> = ({ test }) => {
  const metric = test.metric === 'reply' ? 'replies' : test.metric === 'open' ? 'opens' : null;
  return (
    <p class="verdict small">
      <strong>{test.winner ? `Version ${test.winner} wins on ${metric}` : 'No winner yet'}</strong>
      {!test.winner && ` — ${test.reason.replace(/variant/g, 'version')}`}
      {metric && test.compared.length === 2 && test.compared.some((v) => v.sent > 0) && (
        <>
          {' '}
          ({test.compared.map((v) => `${v.id}: ${v.hits} ${metric} of ${v.sent} sent`).join(' vs ')}
          {test.pValue !== null && `, p = ${pWords(test.pValue)}`})
        </>
      )}
    </p>
  );
};

const leadsWord = (n: number) => (n === 1 ? '1 lead' : `${n.toLocaleString('en-US')} leads`);
