import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Mailbox } from '../../shared/contracts/mailboxes';
import type { RuntimeResult } from '../../shared/messages';
import type { StoredSession } from '../state/session';
import { ask } from '../state/runtime';
import { describeError } from '../state/describe-error';
import '../ui/page.css';

interface SessionInfo { apiUrl: string; session: StoredSession | null }

/** Options: where the API is, and who is signed in (sandbox login in embedded mode, Google otherwise). */
function Options() {
  const [info, setInfo] = useState<SessionInfo>();
  const [apiUrl, setApiUrl] = useState('');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [note, setNote] = useState<string>();
  const [mailboxes, setMailboxes] = useState<RuntimeResult<{ data: Mailbox[] }>>();
  const refresh = () =>
    ask({ type: 'session.get' }).then(async (r) => {
      if (!r.ok) return;
      setInfo(r.data);
      setApiUrl(r.data.apiUrl);
      setMailboxes(r.data.session ? await ask({ type: 'mailboxes.list' }) : undefined);
    });
  useEffect(() => void refresh(), []);
  const act = async (p: ReturnType<typeof ask>, done: string) => {
    setNote(undefined);
    const r = await p;
    setNote(r.ok ? done : describeError(r.error));
    await refresh();
  };
  if (!info) return <main><p>Loading…</p></main>;
  return (
    <main>
      <h1>Lumina options</h1>
      <fieldset>
        <legend>API</legend>
        <label>API URL <input data-testid="api-url" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} /></label>
        <button onClick={() => void act(ask({ type: 'settings.setApiUrl', apiUrl }), 'API URL saved.')}>Save</button>
      </fieldset>
      {info.session ? (
        <fieldset data-testid="signed-in">
          <legend>Signed in</legend>
          <p>{info.session.user.email} — workspace {info.session.workspace.name} ({info.session.workspace.role})</p>
          <p data-testid="gmail-mode">Gmail mode: {info.session.workspace.gmailMode === 'light' ? 'light (replies read from what Gmail shows you)' : 'full (replies read from the mailbox)'}</p>
          <ConnectedMailboxes mailboxes={mailboxes} />
          <button onClick={() => void act(ask({ type: 'session.logout' }), 'Signed out.')}>Sign out</button>
        </fieldset>
      ) : (
        <fieldset data-testid="signed-out">
          <legend>Sign in</legend>
          <label>Email <input data-testid="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} /></label>
          <label>Name <input data-testid="name" value={name} onChange={(e) => setName(e.target.value)} /></label>
          <button className="primary" onClick={() => void act(ask({ type: 'session.sandboxLogin', email, ...(name ? { name } : {}) }), 'Signed in.')}>Sign in (sandbox)</button>
          <button onClick={() => void act(ask({ type: 'session.googleLogin' }), 'Signed in with Google.')}>Sign in with Google</button>
        </fieldset>
      )}
      {note && <p className="note" data-testid="note">{note}</p>}
    </main>
  );
}

/** The mailboxes Lumina sends from in this workspace, and whether each still works. */
function ConnectedMailboxes({ mailboxes }: { mailboxes: RuntimeResult<{ data: Mailbox[] }> | undefined }) {
  if (!mailboxes) return <p>Mailbox: loading…</p>;
  if (!mailboxes.ok) return <p className="note">Mailbox: {describeError(mailboxes.error)}</p>;
  if (mailboxes.data.data.length === 0) return <p className="note" data-testid="mailbox">No mailbox connected: sign in with Google to send from Gmail.</p>;
  return (
    <ul data-testid="mailbox">
      {mailboxes.data.data.map((m) => (
        <li key={m.id}>
          {m.email} — {m.provider === 'sandbox' ? 'sandbox mailbox' : 'Gmail'}, {m.status}
        </li>
      ))}
    </ul>
  );
}

createRoot(document.getElementById('root')!).render(<Options />);
