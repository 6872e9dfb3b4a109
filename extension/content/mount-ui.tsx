import { createRoot } from 'react-dom/client';
import type { KeyValueStore } from '../state/kv';
import { GlowPanel } from '../ui/glow-panel';
import { TrackingSidebar } from '../ui/tracking-sidebar';
import { ask } from '../state/runtime';
import { streamGenerate } from '../state/ai-stream-client';
import { startComposeSession } from './compose-session';
import { startThreadSession } from './thread-session';
import type { ComposeHandle, ThreadHandle } from './host';

export async function mountCompose(compose: ComposeHandle, store: KeyValueStore) {
  const session = await startComposeSession(compose, store, ask, streamGenerate);
  const container = compose.mountPanel();
  const root = createRoot(container);
  root.render(<GlowPanel session={session} compose={compose} />);
  compose.addToolbarButton({ title: 'Lumina', onClick: () => container.classList.toggle('collapsed') });
  compose.onPresend(() => container.classList.remove('collapsed'));
  compose.onClosed(() => root.unmount());
}

export function mountThread(thread: ThreadHandle) {
  const container = thread.mountSidebar('Lumina');
  createRoot(container).render(<TrackingSidebar thread={thread} session={startThreadSession(thread, ask)} />);
}
