import { useState } from 'react';
import { useStore } from 'zustand';
import type { Template } from '../../shared/contracts/templates';
import type { Prospect } from '../../shared/contracts/prospects';
import { prospectVars, renderTemplate } from '../../shared/template-vars';
import { htmlToPlain } from '../../shared/html-plain';
import type { ComposeHandle } from '../content/host';
import type { ComposeStore } from '../state/compose-store';
import { ask } from '../state/runtime';
import { describeError } from '../state/describe-error';

/** Templates, filled from the recipient's prospect record; unfilled variables stay visible and marked. */
export function TemplatePicker({ session, compose, onInserted }: { session: ComposeStore; compose: ComposeHandle; onInserted(): void }) {
  const to = useStore(session, (s) => s.to);
  // Only what is still unfilled in the draft: a variable the rep filled in stops being listed.
  const text = useStore(session, (s) => `${s.subject}\n${s.bodyText}`);
  const [templates, setTemplates] = useState<Template[] | undefined>();
  const [note, setNote] = useState<string>();
  const [missing, setMissing] = useState<string[]>([]);

  const open = async () => {
    const res = await ask({ type: 'templates.list' });
    if (!res.ok) return setNote(describeError(res.error));
    setTemplates(res.data.data);
    if (!res.data.data.length) setNote('No templates yet.');
  };
  const insert = async (t: Template) => {
    let prospect: Prospect | null = null;
    if (to[0]) {
      const found = await ask({ type: 'prospect.lookup', email: to[0] });
      if (found.ok) prospect = found.data.prospect;
    }
    const vars = prospectVars(prospect ?? { email: to[0] ?? '' });
    const subject = renderTemplate(t.subject, vars);
    const body = renderTemplate(htmlToPlain(t.bodyHtml).trim(), vars);
    compose.setSubject(subject.text);
    compose.setBodyText(body.text);
    session.setState({ templateId: t.id });
    onInserted();
    setMissing([...new Set([...subject.missing, ...body.missing])]);
    setTemplates(undefined);
  };
  return (
    <div className="templates">
      {!templates && <button onClick={open}>Templates</button>}
      {templates && (
        <select aria-label="Template" defaultValue="" onChange={(e) => { const t = templates.find((x) => x.id === e.target.value); if (t) void insert(t); }}>
          <option value="" disabled>Pick a template…</option>
          {templates.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      )}
      {missing.some((m) => text.includes(`{{${m}`)) && (
        <p className="missing" data-testid="missing-vars">Fill in: {missing.filter((m) => text.includes(`{{${m}`)).map((m) => <mark key={m}>{`{{${m}}}`}</mark>)}</p>
      )}
      {note && <p className="note">{note}</p>}
    </div>
  );
}
