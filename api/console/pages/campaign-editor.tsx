/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import type { z } from 'zod';
import type { Campaign } from '../../../shared/contracts/campaigns';
import { MAX_DELAY, type DelayUnit } from '../../../shared/contracts/campaigns';
import type { Prospect } from '../../../shared/contracts/prospects';
import type { Template } from '../../../shared/contracts/templates';
import type { Mailbox } from '../../../shared/contracts/mailboxes';
import { htmlToText } from '../../../shared/html-to-text';
import { Field, useViewer } from '../layout';
import { CSRF_FIELD } from '../guard';
import { mayChange } from '../../src/lib/ownership';
import { DELAY_UNITS, STEP_CONDITIONS, delayUnitWords, delayWords, stepConditionWords } from '../words';

/**
 * The sequence editor as a plain form: every step and A/B version is a set of named fields
 * (`steps.0.subject`, `steps.0.variants.1.weight`), so the page works without script and a
 * failed save comes back with what was typed. Buttons named `op` add or remove a step or a
 * version, preview a step, or save; a few lines of script refresh the preview while typing.
 */
export interface VariantDraft {
  id: string;
  subject: string;
  bodyHtml: string;
  weight: string;
}
export interface StepDraft {
  id: string;
  delay: string;
  delayUnit: string;
  condition: string;
  subject: string;
  bodyHtml: string;
  templateId: string;
  sameThread: boolean;
  variants: VariantDraft[];
  /** "Send the winner to the rest": on, after `winnerAfter` sends per version (kept as typed when off). */
  winnerOn: boolean;
  winnerAfter: string;
}
export interface Draft {
  name: string;
  mailboxId: string;
  steps: StepDraft[];
}

export const MAX_STEPS = 20;
export const MAX_VARIANTS = 5;
/** The fewest sends per version before a winner may be named (the API's floor). */
const MIN_SENDS_PER_VERSION = 30;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const blankStep = (first: boolean): StepDraft => ({
  id: '',
  delay: first ? '0' : '2',
  delayUnit: first ? 'minutes' : 'business_days',
  condition: first ? 'always' : 'no_reply',
  subject: '',
  bodyHtml: '',
  templateId: '',
  sameThread: true,
  variants: [],
  winnerOn: false,
  winnerAfter: String(MIN_SENDS_PER_VERSION),
});

export const emptyDraft = (): Draft => ({ name: '', mailboxId: '', steps: [blankStep(true)] });

export function draftOf(c: Campaign): Draft {
  return {
    name: c.name,
    mailboxId: c.mailboxId ?? '',
    steps: c.steps.map((s) => ({
      id: s.id,
      delay: String(s.delay),
      delayUnit: s.delayUnit,
      condition: s.condition,
      subject: s.subject,
      bodyHtml: s.bodyHtml,
      templateId: s.templateId ?? '',
      sameThread: s.sameThread,
      variants: s.variants.map((v) => ({ id: v.id, subject: v.subject, bodyHtml: v.bodyHtml, weight: String(v.weight) })),
      winnerOn: s.winnerAfter != null,
      winnerAfter: String(s.winnerAfter ?? MIN_SENDS_PER_VERSION),
    })),
  };
}

/** The form back into a draft, steps and versions renumbered in the order they came. */
export function draftFromForm(form: Record<string, string>): Draft {
  const indexes = (re: RegExp) => [...new Set(Object.keys(form).flatMap((k) => (re.exec(k) ? [Number(re.exec(k)![1])] : [])))].sort((a, b) => a - b);
  const steps = indexes(/^steps\.(\d+)\./).map((i): StepDraft => {
    const f = (k: string) => form[`steps.${i}.${k}`] ?? '';
    return {
      id: f('id'),
      delay: f('delay'),
      delayUnit: f('delayUnit') || 'days',
      condition: f('condition') || 'always',
      subject: f('subject'),
      bodyHtml: f('bodyHtml'),
      templateId: f('templateId'),
      sameThread: f('sameThread') === 'on',
      variants: indexes(new RegExp(`^steps\\.${i}\\.variants\\.(\\d+)\\.`)).map((j) => {
        const v = (k: string) => form[`steps.${i}.variants.${j}.${k}`] ?? '';
        return { id: v('id'), subject: v('subject'), bodyHtml: v('bodyHtml'), weight: v('weight') };
      }),
      winnerOn: f('winnerOn') === 'on',
      winnerAfter: f('winnerAfter') || String(MIN_SENDS_PER_VERSION),
    };
  });
  return { name: form.name ?? '', mailboxId: form.mailboxId ?? '', steps };
}

/** An editing button: add or remove a step or an A/B version. Answers the changed draft, or null for "save"/"preview". */
export function applyOp(draft: Draft, op: string): Draft | null {
  const [verb, a, b] = op.split(':');
  const i = Number(a);
  const steps = draft.steps.map((s) => ({ ...s, variants: [...s.variants] }));
  const step = steps[i];
  switch (verb) {
    case 'add-step':
      if (steps.length < MAX_STEPS) steps.push(blankStep(steps.length === 0));
      break;
    case 'remove-step':
      if (step) steps.splice(i, 1);
      break;
    case 'add-variant':
      if (!step || step.variants.length >= MAX_VARIANTS) break;
      if (step.variants.length === 0) {
        // Start the test from what the step says now: version A is it, B a copy to change.
        step.variants.push({ id: 'A', subject: step.subject, bodyHtml: step.bodyHtml, weight: '50' }, { id: 'B', subject: step.subject, bodyHtml: step.bodyHtml, weight: '50' });
      } else {
        const used = new Set(step.variants.map((v) => v.id));
        step.variants.push({ id: [...LETTERS].find((l) => !used.has(l))!, subject: '', bodyHtml: '', weight: '' });
        evenWeights(step.variants);
      }
      break;
    case 'remove-variant': {
      if (!step) break;
      step.variants.splice(Number(b), 1);
      // One version is no test: the step goes back to its own text, the version's if it had none.
      if (step.variants.length === 1) {
        const [last] = step.variants;
        step.subject ||= last!.subject;
        step.bodyHtml ||= last!.bodyHtml;
        step.variants = [];
        step.winnerOn = false;
      } else evenWeights(step.variants);
      break;
    }
    default:
      return null;
  }
  return { ...draft, steps };
}

function evenWeights(variants: VariantDraft[]) {
  const n = variants.length;
  variants.forEach((v, k) => (v.weight = String(Math.floor(100 / n) + (k < 100 % n ? 1 : 0))));
}

/** The draft as the API's request body; zod then says what is wrong, field by field. */
export function requestOf(draft: Draft) {
  const num = (s: string) => (/^\s*\d+\s*$/.test(s) ? Number(s) : s.trim() === '' ? undefined : s);
  return {
    name: draft.name,
    mailboxId: draft.mailboxId || null,
    steps: draft.steps.map((s) => ({
      ...(s.id ? { id: s.id } : {}),
      delay: num(s.delay) ?? 0,
      delayUnit: s.delayUnit,
      condition: s.condition,
      subject: s.subject,
      bodyHtml: s.bodyHtml,
      templateId: s.templateId || null,
      sameThread: s.sameThread,
      ...(s.variants.length ? { variants: s.variants.map((v) => ({ ...(v.id ? { id: v.id } : {}), subject: v.subject, bodyHtml: v.bodyHtml, weight: num(v.weight) })) } : {}),
      ...(s.variants.length ? { winnerAfter: s.winnerOn ? num(s.winnerAfter) : null } : {}),
    })),
  };
}

/** zod's issues as a person reads them, keyed by the form's field names. */
export function editorErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_form';
    out[key] ??= plainMessage(key, issue.message);
  }
  return out;
}

function plainMessage(key: string, message: string): string {
  if (key === 'name') return 'Give the campaign a name.';
  if (/\.delay$/.test(key)) return /at most/.test(message) ? `Wait ${message}.` : 'Enter a whole number of 0 or more.';
  if (/\.weight$/.test(key)) return 'Enter a share from 1 to 99 (%).';
  if (/\.winnerAfter$/.test(key)) return `Enter a whole number of sends per version, from ${MIN_SENDS_PER_VERSION} to 100,000: fewer cannot tell a real winner from luck.`;
  if (/\.delayUnit$/.test(key)) return 'Choose minutes, hours, days or business days.';
  if (/\.condition$/.test(key)) return 'Choose when this step goes out.';
  if (/variants\.\d+\.bodyHtml$/.test(key)) return 'Write this version’s email (or the step’s own).';
  if (/\.bodyHtml$/.test(key)) return 'Write the email, or pick a template.';
  if (/\.variants$/.test(key)) return message.replace('variant weights', 'The shares of the versions').replace(/^variant ids/, 'Version names') + '.';
  if (key === 'steps') return message.startsWith('the first step') ? 'The first email needs a subject (or a template).' : `${message}.`;
  return message;
}

/** Someone to preview for: the campaign's leads first, else the workspace's newest prospects. */
export type PickOption = Pick<Prospect, 'id' | 'email'>;

/** A step rendered for one prospect, each A/B version apart; missing variables left as {{name}}. */
export interface StepPreview {
  step: number;
  prospect: Prospect | null;
  condition: string;
  delay: string;
  thread: string | null;
  versions: Array<{ id: string | null; weight: string | null; subject: string; bodyHtml: string; missing: string[] }>;
}

export const CampaignEditor: FC<{
  campaign?: Campaign;
  draft: Draft;
  errors?: Record<string, string>;
  templates: Template[];
  mailboxes: Mailbox[];
  prospects: PickOption[];
  preview?: StepPreview;
}> = ({ campaign, draft, errors = {}, templates, mailboxes, prospects, preview }) => {
  const viewer = useViewer();
  const action = campaign ? `/console/campaigns/${campaign.id}/edit` : '/console/campaigns/new';
  const running = campaign && campaign.status !== 'draft';
  const editable = Boolean(viewer && (campaign ? mayChange(viewer, 'campaign', campaign.ownerId) && campaign.status !== 'archived' : viewer.role !== 'viewer'));
  const mine = mailboxes.filter((m) => viewer?.role === 'admin' || m.userId === viewer?.userId);
  return (
    <>
      <p>
        <a href={campaign ? `/console/campaigns/${campaign.id}` : '/console/campaigns'}>← {campaign ? campaign.name : 'All campaigns'}</a>
      </p>
      {!editable && (
        <p class="warn" role="status">
          {campaign?.status === 'archived' ? 'This campaign is archived: read-only.' : 'Only its owner or an admin can change this campaign.'} You can still preview its steps for a prospect.
        </p>
      )}
      {editable && running && (
        <p class="warn">
          This campaign has sent already. Leads keep what they got: a changed step goes out as a new version to those who have not had it yet, and its figures start again.
        </p>
      )}
      <style>{raw(CAMPAIGN_CSS)}</style>
      <div class="editor">
      <form method="post" action={action} aria-label="Sequence" id="campaign-editor" data-campaign-editor="">
        <input type="hidden" name={CSRF_FIELD} value={viewer?.csrf ?? ''} />
        {/* Enter in a field saves (the first button of a form is the one Enter presses). */}
        <button type="submit" name="op" value="save" tabindex={-1} aria-hidden="true" class="offscreen">
          Save
        </button>
        <Field name="name" label="Campaign name" value={draft.name} errors={errors} required />
        <div class="field">
          <label for="f-mailboxId">Send from</label>
          <select id="f-mailboxId" name="mailboxId">
            <option value="">The owner’s own mailbox</option>
            {mine.map((m) => (
              <option value={m.id} selected={m.id === draft.mailboxId}>
                {m.email}
              </option>
            ))}
          </select>
          {errors.mailboxId && <p class="field-error">{errors.mailboxId}</p>}
        </div>
        <h2>Steps</h2>
        <p class="muted small">
          Variables: <code>{'{{firstName}}'}</code>, <code>{'{{company}}'}</code>, <code>{'{{title}}'}</code>, <code>{'{{custom.industry}}'}</code>; a fallback after a bar: <code>{'{{firstName|there}}'}</code> writes “there” when the name is missing.
        </p>
        {errors.steps && (
          <p class="field-error" role="alert">
            {errors.steps}
          </p>
        )}
        {draft.steps.length === 0 && <p class="muted">No step yet — add the first email.</p>}
        {draft.steps.map((s, i) => (
          <StepFields step={s} i={i} action={action} errors={errors} templates={templates} />
        ))}
        <div class="toolbar">
          {draft.steps.length < MAX_STEPS && (
            <button type="submit" name="op" value="add-step">
              + Add a step
            </button>
          )}
        </div>
        <div class="toolbar">
          {editable && (
            <button type="submit" name="op" value="save" class="primary">
              {campaign ? 'Save sequence' : 'Create campaign'}
            </button>
          )}
          <a class="button" href={campaign ? `/console/campaigns/${campaign.id}` : '/console/campaigns'}>
            Cancel
          </a>
        </div>
      </form>
      <PreviewPanel preview={preview} prospects={prospects} />
      </div>
      <script>{raw(LIVE_PREVIEW)}</script>
    </>
  );
};

const StepFields: FC<{ step: StepDraft; i: number; action: string; errors: Record<string, string>; templates: Template[] }> = ({ step: s, i, action, errors, templates }) => {
  const n = (k: string) => `steps.${i}.${k}`;
  const err = (k: string) => errors[n(k)];
  const unit = (DELAY_UNITS.includes(s.delayUnit) ? s.delayUnit : 'days') as DelayUnit;
  return (
    <fieldset class="panel step" data-step={i} aria-label={`Step ${i + 1}`}>
      <legend>
        <strong>Step {i + 1}</strong>
      </legend>
      <input type="hidden" name={n('id')} value={s.id} />
      <div class="grid">
        <div class="field">
          <label for={`f-${n('delay')}`}>{i === 0 ? 'Wait after launch' : 'Wait after the previous step'}</label>
          <span class="pair">
            <input id={`f-${n('delay')}`} name={n('delay')} inputmode="numeric" value={s.delay} size={5} aria-invalid={err('delay') ? 'true' : undefined} />
            <select name={n('delayUnit')} aria-label={`Step ${i + 1} delay unit`}>
              {DELAY_UNITS.map((u) => (
                <option value={u} selected={u === unit}>
                  {delayUnitWords(u)}
                </option>
              ))}
            </select>
          </span>
          <div class="muted small">Up to a year.</div>
          {err('delay') && <p class="field-error">{err('delay')}</p>}
        </div>
        <div class="field">
          <label for={`f-${n('condition')}`}>Send it</label>
          <select id={`f-${n('condition')}`} name={n('condition')}>
            {STEP_CONDITIONS.map((k) => (
              <option value={k} selected={k === s.condition}>
                {stepConditionWords(k)}
              </option>
            ))}
          </select>
          <div class="muted small">Read when the step falls due; a scanner’s open or click never counts.</div>
        </div>
        <div class="field">
          <label for={`f-${n('templateId')}`}>Template</label>
          <select id={`f-${n('templateId')}`} name={n('templateId')}>
            <option value="">None — write it here</option>
            {templates.map((t) => (
              <option value={t.id} selected={t.id === s.templateId}>
                {t.name}
              </option>
            ))}
          </select>
          <div class="muted small">Fills the subject or the email when you leave them empty.</div>
          {err('templateId') && <p class="field-error">{err('templateId')}</p>}
        </div>
      </div>
      {i > 0 ? (
        <label class="check">
          <input type="checkbox" name={n('sameThread')} checked={s.sameThread} /> Reply in the same thread (“Re: …” the previous email)
        </label>
      ) : (
        <input type="hidden" name={n('sameThread')} value="on" />
      )}
      {s.variants.length === 0 ? (
        <>
          <Field name={n('subject')} label="Subject" value={s.subject} errors={errors} hint={i > 0 ? 'A reply in the same thread keeps “Re: ” the previous subject; this one is for a new thread.' : undefined} />
          <TextArea name={n('bodyHtml')} label="Email" value={s.bodyHtml} error={err('bodyHtml')} />
        </>
      ) : (
        <>
          <input type="hidden" name={n('subject')} value={s.subject} />
          <input type="hidden" name={n('bodyHtml')} value={s.bodyHtml} />
          {err('variants') && (
            <p class="field-error" role="alert">
              {err('variants')}
            </p>
          )}
          {s.variants.map((v, j) => {
            const vn = (k: string) => `steps.${i}.variants.${j}.${k}`;
            return (
              <fieldset class="variant" aria-label={`Step ${i + 1} version ${v.id || j + 1}`}>
                <legend>
                  Version {v.id || LETTERS[j]} (A/B test)
                </legend>
                <input type="hidden" name={vn('id')} value={v.id} />
                <Field name={vn('weight')} label={`Share of leads for version ${v.id || LETTERS[j]} (%)`} value={v.weight} errors={errors} attrs={{ inputmode: 'numeric', size: 4 }} />
                <Field name={vn('subject')} label={`Subject of version ${v.id || LETTERS[j]}`} value={v.subject} errors={errors} />
                <TextArea name={vn('bodyHtml')} label={`Email of version ${v.id || LETTERS[j]}`} value={v.bodyHtml} error={errors[vn('bodyHtml')]} rows={5} />
                <button type="submit" name="op" value={`remove-variant:${i}:${j}`}>
                  Remove version {v.id || LETTERS[j]}
                </button>
              </fieldset>
            );
          })}
          <WinnerFields step={s} i={i} error={err('winnerAfter')} />
        </>
      )}
      <div class="toolbar">
        {s.variants.length < MAX_VARIANTS && (
          <button type="submit" name="op" value={`add-variant:${i}`}>
            {s.variants.length === 0 ? 'A/B test this step' : '+ Add a version'}
          </button>
        )}
        <button type="submit" name="op" value={`preview:${i}`} formaction={`${action}#preview`}>
          Preview step {i + 1}
        </button>
        <button type="submit" name="op" value={`remove-step:${i}`}>
          Remove step {i + 1}
        </button>
      </div>
    </fieldset>
  );
};

/** "Send the winner to the rest": off, or after N sends per version. */
const WinnerFields: FC<{ step: StepDraft; i: number; error?: string }> = ({ step: s, i, error }) => {
  const n = (k: string) => `steps.${i}.${k}`;
  return (
    <div class="field winner" data-winner-rule={i}>
      <label class="check">
        <input type="checkbox" name={n('winnerOn')} checked={s.winnerOn} /> Send the winning version to the rest of the leads
      </label>
      <span class="pair winner-after">
        <span aria-hidden="true">after</span>
        <input id={`f-${n('winnerAfter')}`} name={n('winnerAfter')} value={s.winnerAfter} inputmode="numeric" size={6} aria-label={`Step ${i + 1}: sends of each version before choosing`} aria-invalid={error ? 'true' : undefined} />
        <span aria-hidden="true">sends of each version</span>
      </span>
      <div class="muted small">
        Lumina compares the versions on those first sends (replies first, then opens by people). Once one is clearly better (p &lt; 0.05), every lead still to come gets it; until then, or when this is off, leads keep the shares above. At least {MIN_SENDS_PER_VERSION} sends.
      </div>
      {error && <p class="field-error">{error}</p>}
    </div>
  );
};

const TextArea: FC<{ name: string; label: string; value: string; error?: string; rows?: number }> = ({ name, label, value, error, rows = 7 }) => (
  <div class="field">
    <label for={`f-${name}`}>{label}</label>
    <textarea id={`f-${name}`} name={name} rows={rows} aria-invalid={error ? 'true' : undefined}>
      {value}
    </textarea>
    {error && <p class="field-error">{error}</p>}
  </div>
);

const PreviewFor: FC<{ prospects: PickOption[]; chosen?: string }> = ({ prospects, chosen }) => (
  <div class="field">
    <label for="f-prospect">Preview for</label>
    <select id="f-prospect" name="prospect" form="campaign-editor">
      {prospects.length === 0 && <option value="">no prospect yet (variables stay empty)</option>}
      {prospects.map((p) => (
        <option value={p.id} selected={p.id === chosen}>
          {p.email}
        </option>
      ))}
    </select>
  </div>
);

const VARIABLE = /(\{\{\s*[a-zA-Z_][\w.]*\s*(?:\|[^}]*)?\}\})/;

/** Text with each variable left unfilled marked, so the rep sees what this prospect lacks. */
const Marked: FC<{ text: string }> = ({ text }) => (
  <>
    {text.split(VARIABLE).map((part, k) =>
      k % 2 === 1 ? (
        <mark class="missing" data-missing={part}>
          {part}
        </mark>
      ) : (
        part
      ),
    )}
  </>
);

export const PreviewPanel: FC<{ preview?: StepPreview; prospects: PickOption[] }> = ({ preview, prospects }) => (
  <section class="panel preview-panel" id="preview" aria-label="Preview" aria-live="polite">
    <PreviewFor prospects={prospects} chosen={preview?.prospect?.id} />
    {!preview ? (
      <p class="muted">Press “Preview” on a step to see it as a prospect will read it.</p>
    ) : (
      <>
        <h2>
          Preview of step {preview.step + 1}
          {preview.prospect ? ` for ${preview.prospect.email}` : ''}
        </h2>
        <p class="muted small">
          {preview.delay} · {preview.condition}
          {preview.thread ? ` · ${preview.thread}` : ''}
        </p>
        {preview.versions.map((v) => (
          <div class="version" data-version={v.id ?? 'step'}>
            {v.id && (
              <h3>
                Version {v.id}
                {v.weight ? ` · ${v.weight}% of leads` : ''}
              </h3>
            )}
            {v.missing.length > 0 && (
              <p class="warn" role="status" data-preview-missing>
                Missing for this prospect: {v.missing.map((m) => `{{${m}}}`).join(', ')} — add a fallback or fill the field, or this email will not go out to them.
              </p>
            )}
            <p>
              <strong>Subject:</strong> {v.subject ? <Marked text={v.subject} /> : <span class="muted">(empty)</span>}
            </p>
            <pre class="preview" data-preview-body>
              {v.bodyHtml ? <Marked text={htmlToText(v.bodyHtml)} /> : '(empty email)'}
            </pre>
          </div>
        ))}
      </>
    )}
  </section>
);

/** Refreshes the preview while typing: posts the form as "preview" and swaps in the answer's panel. */
const LIVE_PREVIEW = `(function(){var f=document.querySelector('form[data-campaign-editor]');if(!f||!window.fetch||!window.DOMParser)return;
var t,step=0,p=document.getElementById('preview'),m=p&&/step (\\d+)/.exec(p.textContent||'');if(m)step=Number(m[1])-1;
function at(e){var s=e.target&&e.target.closest&&e.target.closest('[data-step]');if(s)step=Number(s.getAttribute('data-step'));clearTimeout(t);t=setTimeout(go,400)}
function go(){var d=new FormData(f);d.set('op','preview:'+step);fetch(f.action,{method:'POST',body:d,credentials:'same-origin'}).then(function(r){return r.ok?r.text():null}).then(function(h){if(!h)return;var n=new DOMParser().parseFromString(h,'text/html').getElementById('preview'),o=document.getElementById('preview');if(n&&o)o.replaceWith(n)}).catch(function(){})}
function mine(e){var t=e.target;return t&&(t.form===f||f.contains(t))}
document.addEventListener('input',function(e){if(mine(e))at(e)});document.addEventListener('change',function(e){if(mine(e))at(e)})})()`;

/** The campaign pages' own few styles (the layout's stay shared by every page). */
export const CAMPAIGN_CSS = `
.offscreen{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
fieldset{border:1px solid #e3e6ef;border-radius:6px;min-width:0}
.step .field>input:not([size]),#f-name{width:100%}
.editor{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}
@media (min-width:1100px){.editor{grid-template-columns:minmax(0,1fr) 24rem}.preview-panel{position:sticky;top:1rem;align-self:start;max-height:calc(100vh - 2rem);overflow:auto}}
.preview-panel h2{margin-top:.4rem}
table.rows th.num{white-space:nowrap;overflow-wrap:normal}
@media (max-width:700px){table.stats td.num{display:inline-block;width:auto;padding-right:.9rem}table.stats td.num::before{content:attr(data-label) " "}}
fieldset.variant{margin:.6rem 0;padding:.6rem .8rem;background:#fafbfd}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0 1rem}
.pair{display:flex;gap:.4rem;flex-wrap:wrap}
.grid select{max-width:100%}
label.check{font-weight:400;display:flex;gap:.4rem;align-items:baseline}
mark.missing{background:#ffe08a;color:#5c3c00;border-radius:3px;padding:0 .15rem}
.version+.version{border-top:1px solid #e3e6ef;margin-top:.8rem;padding-top:.4rem}
.version h3{font-size:1rem;margin:.4rem 0}
.sender-check h2{margin:0 0 .3rem;font-size:1.05rem}
.sender-check ul{margin:.3rem 0;padding-left:1.2rem}
.sender-check li{margin:.25rem 0}
.sender-check p{margin:.3rem 0}
.winner-after{align-items:baseline;margin:.2rem 0 .2rem 1.4rem}.winner-after label{font-weight:400}.winner-after input{width:4rem}
.winner .muted{margin-left:1.4rem}
.figures{display:flex;flex-wrap:wrap;gap:.2rem .8rem}
.verdict{margin:.4rem 0 0}
.states{display:flex;flex-wrap:wrap;gap:.25rem}
table.rows td.num,table.rows th.num{text-align:right}
@media (max-width:700px){table.rows td.num{text-align:left}}
/* An address breaks only when it cannot fit, not at any letter ("bo@clien t.test"). */
@media (min-width:701px){tr[data-lead] td[data-label="Lead"]{overflow-wrap:break-word}}
`;
