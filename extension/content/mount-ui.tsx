import { createRoot } from 'react-dom/client';
import type { KeyValueStore } from '../state/kv';
import { GlowPanel, SendStatus } from '../ui/glow-panel';
import { sendWords } from '../ui/send-words';
import { createShadowContainer } from './shadow-mount';
import { TrackingSidebar } from '../ui/tracking-sidebar';
import { ask } from '../state/runtime';
import { streamGenerate } from '../state/ai-stream-client';
import { startComposeSession } from './compose-session';
import { startThreadSession } from './thread-session';
import type { ComposeHandle, ThreadHandle } from './host';

/** Mounts the Glow panel in a compose; answers its session (the hand-over to InboxSDK flushes it). */
export async function mountCompose(compose: ComposeHandle, store: KeyValueStore) {
  const session = await startComposeSession(compose, store, ask, streamGenerate);
  const container = compose.mountPanel();
  const root = createRoot(container);
  root.render(<GlowPanel session={session} compose={compose} />);
  compose.addToolbarButton({ title: 'Lumina', onClick: () => container.classList.toggle('collapsed') });
  compose.onPresend(() => container.classList.remove('collapsed'));
  compose.onClosed(() => root.unmount());
  // Like Gmail's own Send: the compose closes (no second Send beside it) and the email's
  // state stays on screen, bottom left, until it is final.
  session.onSent(() => {
    showSendToast(session);
    compose.close();
  });
  return session;
}

function showSendToast(session: Awaited<ReturnType<typeof startComposeSession>>) {
  const { host, container } = createShadowContainer({ 'data-lumina': 'send-status' });
  container.classList.add('toast');
  document.body.append(host);
  const root = createRoot(container);
  const remove = () => {
    root.unmount();
    host.remove();
  };
  root.render(<SendStatus session={session} onDismiss={remove} />);
  // Sent or cancelled: it goes by itself after a while. Failed: it stays until the rep dismisses it, so it is never missed.
  const stop = session.store.subscribe((s) => {
    if (s.send.email && sendWords(s.send.email).final) {
      stop();
      if (s.send.email.status !== 'FAILED') setTimeout(remove, 15_000);
    }
  });
}

export function mountThread(thread: ThreadHandle) {
  const container = thread.mountSidebar('Lumina');
  createRoot(container).render(<TrackingSidebar thread={thread} session={startThreadSession(thread, ask)} />);
}
