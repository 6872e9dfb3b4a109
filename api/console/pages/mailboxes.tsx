/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { z } from 'zod';
import { getMailbox, listMailboxesWithSync, updateMailbox } from '../../src/modules/mailboxes/service';
import { patchMailboxRequest, type Mailbox } from '../../../shared/contracts/mailboxes';
import { validate } from '../../src/middleware/validate';
import { Field, PostForm, When } from '../layout';
import { PAGE, act, consoleApp, fieldErrors, formOf, paged, render, viewerOf } from '../render';
import { mailboxStatusWords, sendWindowWords } from '../words';
import { GOOGLE_CONSUMER_DOMAINS, deliverabilityOf } from '../../src/modules/mailboxes/deliverability';
import { resolverFor } from '../../src/lib/dns';
import { deliverabilityQuery, type DeliverabilityResponse } from '../../../shared/contracts/deliverability';

const CHECK_NAMES = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', mx: 'Recipient MX' } as const;
const STATUS_WORDS = { pass: 'OK', warn: 'Worth fixing', fail: 'Problem', unknown: 'Could not check' } as const;

export const DnsChecks: FC<{ box: Row; result: DeliverabilityResponse; selector?: string; recipient?: string }> = ({ box, result, selector, recipient }) => (
  <>
    <p>
      <a href={`/console/mailboxes/${box.id}`}>← Sending settings of {box.email}</a>
    </p>
    <p>{result.ok ? 'No problem found with how this domain is set up for sending.' : 'Some receivers will reject or bin this mail until the problems below are fixed.'}</p>
    {result.note ? (
      <p class="panel" data-note>
        {result.note}
      </p>
    ) : (
      <p class="muted small">
        DKIM selectors checked: {['google', ...box.dkimSelectors].join(', ')} (<a href={`/console/mailboxes/${box.id}`}>change the saved ones</a>)
      </p>
    )}
    <table class="rows">
      <thead>
        <tr>
          <th>Check</th>
          <th>Result</th>
          <th>What it means</th>
        </tr>
      </thead>
      <tbody>
        {result.checks.map((ch) => (
          <tr data-check={ch.check}>
            <td data-label="Check">{CHECK_NAMES[ch.check]}</td>
            <td data-label="Result" class={ch.status === 'fail' ? 'error' : undefined}>{STATUS_WORDS[ch.status]}</td>
            <td data-label="What it means">
              {ch.message}
              {ch.record && <div class="muted small">{ch.name}: {ch.record}</div>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    <form method="get" action={`/console/mailboxes/${box.id}/dns`} class="toolbar">
      <div>
        <label for="selector">Try another DKIM selector</label>
        <input id="selector" name="selector" value={selector ?? ''} placeholder="e.g. s1" />
      </div>
      <div>
        <label for="recipient">A recipient's domain</label>
        <input id="recipient" name="recipient" value={recipient ?? ''} placeholder="e.g. client.com" />
      </div>
      <button type="submit">Check again</button>
    </form>
  </>
);

type Row = Mailbox & { lastSyncedAt: string | null };
const idParam = z.object({ id: z.uuid() });
const dnsQuery = z.object({
  selector: deliverabilityQuery.shape.selector.catch(undefined).transform((v) => v || undefined),
  recipient: deliverabilityQuery.shape.recipient.catch(undefined).transform((v) => v || undefined),
});
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

export const mailboxRoutes = consoleApp()
  .get('/mailboxes', validate('query', pageQuery), async (c) => {
    const { page: n } = c.req.valid('query');
    const { rows, total } = await listMailboxesWithSync(c.get('deps').db, c.get('session').workspaceId, { page: n, limit: PAGE });
    return render(c, 'Connected mailboxes', paged(<MailboxesPage rows={rows} />, '/console/mailboxes', n, total));
  })
  .get('/mailboxes/:id', validate('param', idParam), async (c) => {
    const box = await getMailbox(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return render(c, `Sending settings of ${box.email}`, <MailboxForm box={box} form={formFromMailbox(box, viewerOf(c).tz)} />);
  })
  // The same checks as GET /api/mailboxes/:id/deliverability, in words, with a selector and a recipient to try.
  .get('/mailboxes/:id/dns', validate('param', idParam), validate('query', dnsQuery), async (c) => {
    const { config, db } = c.get('deps');
    const box = await getMailbox(db, c.get('session').workspaceId, c.req.valid('param').id);
    const q = c.req.valid('query');
    const result = await deliverabilityOf(resolverFor(config.dnsServers), box, q);
    return render(c, `DNS checks for ${result.domain}`, <DnsChecks box={box} result={result} selector={q.selector} recipient={q.recipient} />);
  })
  .post('/mailboxes/:id', validate('param', idParam), async (c) => {
    const { db } = c.get('deps');
    const { workspaceId, userId } = c.get('session');
    const id = c.req.valid('param').id;
    const form = await formOf(c);
    const body = await c.req.parseBody({ all: true });
    const parsed = patchMailboxRequest.safeParse(patchFromForm(form, body['sendWindow.days']));
    if (!parsed.success) {
      const box = await getMailbox(db, workspaceId, id);
      const errors = fieldErrors(parsed.error);
      for (const [key, message] of Object.entries(errors)) if (key.startsWith('dkimSelectors.')) errors.dkimSelectors ??= message; // one field holds the list
      return render(c, `Sending settings of ${box.email}`, <MailboxForm box={box} form={form} errors={errors} />, {
        status: 400,
        notice: { kind: 'error', text: 'Nothing was saved: check the highlighted fields.' },
      });
    }
    // Saving the form must not restart a ramp-up that is unchanged.
    const current = await getMailbox(db, workspaceId, id);
    const ramp = parsed.data.rampUp;
    if (ramp && current.rampUp && ramp.startCap === current.rampUp.startCap && ramp.increment === current.rampUp.increment && ramp.everyDays === current.rampUp.everyDays) {
      ramp.startedAt = current.rampUp.startedAt;
    }
    return act(c, '/console/mailboxes', async () => {
      const box = await updateMailbox(db, workspaceId, id, parsed.data, userId);
      return `Saved ${box.email}: cap ${box.effectiveCap} today, ${box.remaining} left in the last 24 hours.`;
    });
  });

export const MailboxesPage: FC<{ rows: Row[] }> = ({ rows }) => (
  <>
    <style>{raw(BUDGET_CSS)}</style>
    {rows.length === 0 && (
      <p class="panel">No mailbox connected yet. Each member connects their Gmail from the Lumina extension (Options → Connect Gmail); it then shows up here.</p>
    )}
    {rows.map((m) => (
      <section class="panel" data-mailbox={m.email} aria-label={m.email}>
        <h2 style="margin-top:0">{m.email}</h2>
        {m.status === 'needs_reauth' && (
          <p class="notice error" role="alert">
            <strong>Needs reconnecting.</strong> Google stopped accepting this mailbox's sign-in, so nothing is sent from it. The owner opens the Lumina extension's
            Options page and clicks <em>Connect Gmail</em> again; queued mail waits, failed sends can then be retried from Failed sends.
          </p>
        )}
        <p>
          <span class={`badge ${m.status === 'active' ? 'good' : 'bad'}`}>{mailboxStatusWords(m.status)}</span>{' '}
          <span class="muted">{m.provider === 'sandbox' ? 'Sandbox mailbox (test mail, nothing leaves this server)' : 'Gmail'}</span>
        </p>
        <Budget m={m} />
        <p>
          Send window: <strong>{sendWindowWords(m.sendWindow)}</strong>
          <br />
          Ramp-up: <strong>{m.rampUp ? `from ${m.rampUp.startCap} a day, +${m.rampUp.increment} every ${m.rampUp.everyDays} day(s), up to ${m.dailyCap}` : 'off'}</strong>
          <br />
          {GOOGLE_CONSUMER_DOMAINS.has(m.email.slice(m.email.lastIndexOf('@') + 1).toLowerCase()) ? (
            <>DKIM: <strong>signed by Google (a personal Gmail address)</strong></>
          ) : (
            <>DKIM selectors checked: <strong data-dkim-selectors={['google', ...m.dkimSelectors].join(',')}>{['google', ...m.dkimSelectors].join(', ')}</strong></>
          )}
          <br />
          <span class="muted">
            Inbox last synced: <When at={m.lastSyncedAt} />
          </span>
        </p>
        <a class="button primary" href={`/console/mailboxes/${m.id}`}>
          Edit cap, window, ramp-up and DKIM
        </a>
      </section>
    ))}
  </>
);

/**
 * The rolling-24 h budget in a sentence: what is left first (what an admin came for), then who
 * spent the rest, with a bar in the same two colours as the extension's popup.
 */
const Budget: FC<{ m: Row }> = ({ m }) => {
  const cap = Math.max(1, m.effectiveCap, m.used);
  const share = (n: number) => Math.round((n / cap) * 1000) / 10;
  const ramping = m.effectiveCap < m.dailyCap;
  return (
    <div class="budget" data-budget={`${m.used}/${m.effectiveCap}`}>
      <p class="budget-left">
        {m.remaining > 0 ? <strong>{m.remaining} left</strong> : <strong class="bad-text">Nothing left</strong>} of {m.effectiveCap} for the rolling 24 hours
        {ramping && <span class="muted"> (ramping up towards {m.dailyCap} a day)</span>}
        {m.remaining === 0 && <span class="muted">: sending resumes as each send turns 24 hours old</span>}
      </p>
      <svg class="budget-bar" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label={`${m.used} of ${m.effectiveCap} used: ${m.usedByLumina} by Lumina, ${m.usedFromGmail} from Gmail`}>
        <rect width="100" height="8" fill="#e3e6ef" />
        <rect width={share(m.usedByLumina)} height="8" fill="#4c6ef5" />
        <rect x={share(m.usedByLumina)} width={share(m.usedFromGmail)} height="8" fill="#e8a200" />
      </svg>
      <p class="muted small budget-who">
        {m.used} sent of {m.effectiveCap} in the last 24 hours:{' '}
        <span class="part">
          <i class="swatch lumina" />
          {m.usedByLumina} by Lumina
        </span>
        {' · '}
        <span class="part">
          <i class="swatch gmail" />
          {m.usedFromGmail} from Gmail itself
        </span>
      </p>
    </div>
  );
};

/** The budget's few styles (the layout's stay shared). */
const BUDGET_CSS = `
.budget{margin:.4rem 0 .8rem;max-width:32rem}
.budget p{margin:.2rem 0}
.budget-left strong{font-size:1.1rem}
.bad-text{color:#c92a2a}
.budget-bar{display:block;width:100%;height:.6rem;border-radius:4px;overflow:hidden}
.budget .part{white-space:nowrap}
.swatch{display:inline-block;width:.6rem;height:.6rem;border-radius:2px;margin-right:.25rem}
.swatch.lumina{background:#4c6ef5}.swatch.gmail{background:#e8a200}
`;

const DAYS = [
  [1, 'Mon'],
  [2, 'Tue'],
  [3, 'Wed'],
  [4, 'Thu'],
  [5, 'Fri'],
  [6, 'Sat'],
  [7, 'Sun'],
] as const;

export const MailboxForm: FC<{ box: Row; form: Record<string, string>; errors?: Record<string, string> }> = ({ box, form, errors = {} }) => {
  const days = new Set((form['sendWindow.days'] ?? '').split(',').filter(Boolean));
  return (
    <PostForm action={`/console/mailboxes/${box.id}`} aria-label="Sending settings">
      <style>{raw(BUDGET_CSS)}</style>
      <Budget m={box} />
      <p>
        <a href={`/console/mailboxes/${box.id}/dns`}>Check this domain's SPF, DKIM and DMARC</a>
      </p>
      <div class="panel">
        <Field name="dailyCap" label="Daily cap (emails per rolling 24 hours)" type="number" value={form.dailyCap} errors={errors} required attrs={{ min: 1, max: 2000 }} />
      </div>
      <fieldset class="panel">
        <legend>Send window</legend>
        <label>
          <input type="checkbox" name="sendWindow.on" value="yes" checked={form['sendWindow.on'] === 'yes'} /> Only send inside these hours
        </label>
        <Field name="sendWindow.tz" label="Time zone" value={form['sendWindow.tz']} errors={errors} hint="An IANA zone, e.g. Europe/Paris or America/New_York" />
        <Field name="sendWindow.start" label="From" type="time" value={form['sendWindow.start']} errors={errors} />
        <Field name="sendWindow.end" label="Until" type="time" value={form['sendWindow.end']} errors={errors} />
        <div class="field" role="group" aria-label="Days">
          <span style="font-weight:600">Days</span>{' '}
          {DAYS.map(([n, label]) => (
            <label style="display:inline;font-weight:normal;margin-right:.6rem">
              <input type="checkbox" name="sendWindow.days" value={String(n)} checked={days.has(String(n))} /> {label}
            </label>
          ))}
          {errors['sendWindow.days'] && <p class="field-error">{errors['sendWindow.days']}</p>}
        </div>
      </fieldset>
      <div class="panel">
        <Field
          name="dkimSelectors"
          label="Your DKIM selectors"
          value={form.dkimSelectors}
          errors={errors}
          hint="Checked besides Google's own (google), before each campaign launch and on the DNS check. Separate several with commas, e.g. s1, selector1."
          attrs={{ placeholder: 'e.g. s1, selector1', autocomplete: 'off' }}
        />
      </div>
      <fieldset class="panel">
        <legend>Ramp-up for a new mailbox</legend>
        <label>
          <input type="checkbox" name="rampUp.on" value="yes" checked={form['rampUp.on'] === 'yes'} /> Start low and grow the cap
        </label>
        <Field name="rampUp.startCap" label="Start at (emails a day)" type="number" value={form['rampUp.startCap']} errors={errors} />
        <Field name="rampUp.increment" label="Add each step" type="number" value={form['rampUp.increment']} errors={errors} />
        <Field name="rampUp.everyDays" label="Every (days)" type="number" value={form['rampUp.everyDays']} errors={errors} />
      </fieldset>
      {errors._form && <p class="field-error">{errors._form}</p>}
      <div class="toolbar">
        <button type="submit" class="primary">
          Save settings
        </button>
        <a class="button" href="/console/mailboxes">
          Cancel
        </a>
      </div>
    </PostForm>
  );
};

/** A mailbox without a window starts the form in the viewer's own zone. */
function formFromMailbox(m: Row, tz: string): Record<string, string> {
  return {
    dailyCap: String(m.dailyCap),
    'sendWindow.on': m.sendWindow ? 'yes' : '',
    'sendWindow.tz': m.sendWindow?.tz ?? tz,
    'sendWindow.start': m.sendWindow?.start ?? '09:00',
    'sendWindow.end': m.sendWindow?.end ?? '17:00',
    'sendWindow.days': (m.sendWindow?.days ?? [1, 2, 3, 4, 5]).join(','),
    'rampUp.on': m.rampUp ? 'yes' : '',
    'rampUp.startCap': String(m.rampUp?.startCap ?? 20),
    'rampUp.increment': String(m.rampUp?.increment ?? 10),
    'rampUp.everyDays': String(m.rampUp?.everyDays ?? 2),
    dkimSelectors: m.dkimSelectors.join(', '),
  };
}

/** The form's fields → the same body `PATCH /api/mailboxes/:id` takes, validated by the same schema. */
function patchFromForm(form: Record<string, string>, rawDays: unknown) {
  const days = (Array.isArray(rawDays) ? rawDays : rawDays ? [rawDays] : []).map(Number);
  form['sendWindow.days'] = days.join(',');
  const num = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : Number(v));
  return {
    dailyCap: num(form.dailyCap),
    sendWindow: form['sendWindow.on'] === 'yes' ? { tz: form['sendWindow.tz']?.trim(), start: form['sendWindow.start'], end: form['sendWindow.end'], days } : null,
    rampUp:
      form['rampUp.on'] === 'yes'
        ? { startCap: num(form['rampUp.startCap']), increment: num(form['rampUp.increment']), everyDays: num(form['rampUp.everyDays']) }
        : null,
    dkimSelectors: (form.dkimSelectors ?? '').split(/[\s,]+/).filter(Boolean),
  };
}
