import { useEffect, useState } from 'react';
import type { ComposeSession } from '../content/compose-session';
import type { ConflictCopy } from '../state/drafts';
import { conflictsKey } from '../state/drafts';
import { browser } from '../browser';

/**
 * The other side of a sync conflict: the rep's text won, the copy written elsewhere was
 * kept. Shown here so it can be brought back (the swap keeps the replaced text in turn).
 */
export function KeptCopies({ session, draftId }: { session: ComposeSession; draftId: string }) {
  const [kept, setKept] = useState<ConflictCopy[]>([]);
  useEffect(() => {
    const load = () => void session.keptCopies().then(setKept);
    load();
    // The service worker writes a kept copy when a sync meets a conflict.
    const onChanged = (changes: Record<string, unknown>) => conflictsKey(draftId) in changes && load();
    browser.storage.onChanged.addListener(onChanged);
    return () => browser.storage.onChanged.removeListener(onChanged);
  }, [session, draftId]);
  if (!kept.length) return null;
  return (
    <div className="kept" data-testid="kept-copies">
      <p className="meta">Kept from another edit of this draft:</p>
      <ul>
        {kept.map((c) => (
          <li key={c.version}>
            {c.subject || '(no subject)'} · {new Date(c.keptAt).toLocaleString()}{' '}
            <button onClick={() => void session.restoreKept(c.version)}>Restore</button>
          </li>
        ))}
      </ul>
    </div>
  );
}
