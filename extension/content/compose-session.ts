import { scoreEmail } from '../../shared/score/score-email';
import { htmlToPlain } from '../../shared/score/text-stats';
import type { KeyValueStore } from '../state/kv';
import { composeKey, conflictsKey, draftKey, saveLocalDraft, type ConflictCopy, type LocalDraft } from '../state/drafts';
import { createComposeStore, draftFingerprint, glowAfterEdit, type ComposeStore } from '../state/compose-store';
import type { Ask } from '../state/runtime';
import type { ComposeHandle } from './host';

export const SAVE_DEBOUNCE_MS = 300;

/**
 * One compose window's life: find or create its local draft (restoring it after a
 * reload), score every keystroke synchronously, save ~300 ms after the rep stops, and
 * tell the service worker to sync. Typing never waits on the network.
 */
export interface ComposeSession {
  store: ComposeStore;
  /** Lumina itself wrote into the compose (accepted suggestion, template): re-read, score and save. */
  edited(): void;
  /** Writes a change still waiting for its debounce now (before a send, or as the page goes away). */
  flush(): Promise<void>;
  /** Copies of this draft that lost a sync conflict (written elsewhere), newest last. */
  keptCopies(): Promise<ConflictCopy[]>;
  /**
   * Puts a kept copy back into the compose. The text it replaces becomes a kept copy in
   * turn, so a swap never loses either side.
   */
  restoreKept(version: number): Promise<void>;
}

export async function startComposeSession(compose: ComposeHandle, store: KeyValueStore, ask: Ask): Promise<ComposeSession> {
  const draftId = (await store.get<string>(composeKey(compose.key))) ?? crypto.randomUUID();
  await store.set({ [composeKey(compose.key)]: draftId });
  const local = await store.get<LocalDraft>(draftKey(draftId));
  const restored = local && (local.subject !== compose.getSubject() || local.bodyText !== compose.getBodyText());
  if (local && restored) {
    compose.setSubject(local.subject);
    compose.setBodyText(local.bodyText);
  }
  const read = () => ({ subject: compose.getSubject(), bodyText: compose.getBodyText(), bodyHtml: compose.getBodyHtml(), to: compose.getRecipients() });
  const now = read();
  const session = createComposeStore({ draftId, ...now, score: scoreEmail({ subject: now.subject, body: now.bodyText }) });
  if (local) session.setState({ saved: restored ? 'restored' : 'saved', version: local.version });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = async () => {
    clearTimeout(timer);
    timer = undefined;
    const s = session.getState();
    const draft = await saveLocalDraft(store, draftId, { to: s.to, cc: [], subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, threadId: compose.threadId() });
    session.setState({ saved: 'saved', version: draft.version });
    void ask({ type: 'draft.changed', id: draftId });
  };
  const edited = () => {
    const next = read();
    session.setState((s) => ({
      ...next,
      score: scoreEmail({ subject: next.subject, body: next.bodyText }),
      saved: 'unsaved',
      glow: glowAfterEdit(s.glow, draftFingerprint(next)),
    }));
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DEBOUNCE_MS);
  };
  const flush = () => (timer ? save() : Promise.resolve());
  // A reload or a closed tab inside the debounce must not drop the last keystrokes either.
  const onPageHide = () => void flush();
  window.addEventListener('pagehide', onPageHide);
  const stop = compose.onChange(edited);
  compose.onClosed(() => {
    stop();
    window.removeEventListener('pagehide', onPageHide);
    // Closing the window must not drop the last keystrokes.
    void flush();
  });
  const keptCopies = async () => (await store.get<ConflictCopy[]>(conflictsKey(draftId))) ?? [];
  const restoreKept = async (version: number) => {
    const kept = await keptCopies();
    const copy = kept.find((c) => c.version === version);
    if (!copy) return;
    const s = session.getState();
    // The text on screen has no server version: a negative one never collides with the server's.
    const replaced: ConflictCopy = { version: -Date.now(), subject: s.subject, bodyHtml: s.bodyHtml, bodyText: s.bodyText, keptAt: Date.now() };
    await store.set({ [conflictsKey(draftId)]: [...kept.filter((c) => c !== copy), replaced] });
    compose.setSubject(copy.subject);
    compose.setBodyText(copy.bodyText ?? htmlToPlain(copy.bodyHtml));
    edited();
    await flush();
  };
  return { store: session, edited, flush, keptCopies, restoreKept };
}
