import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Mailbox } from '../../shared/contracts/mailboxes';
import type { RuntimeResult } from '../../shared/messages';
import type { StoredSession } from '../state/session';
import { ask } from '../state/runtime';
import { describeError } from '../state/describe-error';
import type { Capabilities } from '../../shared/contracts/capabilities';
import { apiUrlProblem, emailProblem } from './validate';
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
  const [caps, setCaps] = useState<RuntimeResult<Capabilities>>();
  const refresh = () =>
    ask({ type: 'session.get' }).then(async (r) => {
      if (!r.ok) return setNote(describeError(r.error));
      setInfo(r.data);
      setApiUrl(r.data.apiUrl);
      const [m, c] = await Promise.all([r.data.session ? ask({ type: 'mailboxes.list' }) : undefined, ask({ type: 'capabilities.get' })]);
      setMailboxes(m);
      setCaps(c);
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
        <button
          onClick={() => {
            const problem = apiUrlProblem(apiUrl);
            if (problem) return setNote(problem);
            void act(ask({ type: 'settings.setApiUrl', apiUrl: apiUrl.trim() }), 'API URL saved.');
          }}
        >
          Save
        </button>
        <ServerOffers caps={caps} apiUrl={info.apiUrl} />
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
          {offers(caps, 'sandboxLogin') && (
            <button
              className="primary"
              onClick={() => {
                const problem = emailProblem(email);
                if (problem) return setNote(problem);
                void act(ask({ type: 'session.sandboxLogin', email: email.trim(), ...(name.trim() ? { name: name.trim() } : {}) }), 'Signed in.');
              }}
            >
              Sign in (sandbox)
            </button>
          )}
          {offers(caps, 'googleSignIn') && <button onClick={() => void act(ask({ type: 'session.googleLogin' }), 'Signed in with Google.')}>Sign in with Google</button>}
          {caps?.ok && !caps.data.sandboxLogin && !caps.data.googleSignIn && <p className="note">This Lumina server offers no way to sign in yet: ask whoever runs it to set up Google sign-in.</p>}
        </fieldset>
      )}
      {note && <p className="note" data-testid="note">{note}</p>}
    </main>
  );
}

/** Whether to offer a way in: what the server says, or everything when it cannot say (an older server). */
function offers(caps: RuntimeResult<Capabilities> | undefined, what: 'sandboxLogin' | 'googleSignIn'): boolean {
  if (!caps) return false;
  return caps.ok ? caps.data[what] : true;
}

/** What the server at the API URL offers, or why it could not be asked. */
function ServerOffers({ caps, apiUrl }: { caps: RuntimeResult<Capabilities> | undefined; apiUrl: string }) {
  if (!caps) return null;
  if (!caps.ok) {
    if (caps.error.code === 'NOT_AVAILABLE') return null;
    return <p className="note error" data-testid="server">{caps.error.code === 'NETWORK' ? `Cannot reach the Lumina API at ${apiUrl}: check the address and that the server runs.` : describeError(caps.error)}</p>;
  }
  return (
    <p className="note" data-testid="server">
      Server at {apiUrl}: AI writing {caps.data.ai.configured ? 'on' : `off (${caps.data.ai.hint ?? 'no provider'})`}; Google sign-in {caps.data.googleSignIn ? 'on' : 'off'}.
    </p>
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
