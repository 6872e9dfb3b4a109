import * as InboxSDK from '@inboxsdk/core';
import type { ComposeHandle, GmailHost, ThreadHandle } from './host';
import { createShadowContainer } from './shadow-mount';
import { textToHtml } from '../../shared/text-to-html';
import { htmlToPlain } from '../../shared/html-plain';

type Sdk = Awaited<ReturnType<typeof InboxSDK.load>>;
type ComposeView = Parameters<Parameters<Sdk['Compose']['registerComposeViewHandler']>[0]>[0];
type ThreadView = Parameters<Parameters<Sdk['Conversations']['registerThreadViewHandler']>[0]>[0];

const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><circle cx="10" cy="10" r="7" fill="#f5b301"/></svg>')}`;

/**
 * Loads InboxSDK with our own deadline: off a real Gmail, `load()` never settles. No
 * event tracking and no global error logging — our users' mail is nobody else's business.
 */
export async function loadInboxSdkHost(appId: string, timeoutMs: number): Promise<GmailHost> {
  if (!appId) throw new Error('no InboxSDK app id configured (INBOXSDK_APP_ID at build time)');
  const sdk = await Promise.race([
    InboxSDK.load(2, appId, { eventTracking: false, globalErrorLogging: false }),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`InboxSDK did not load within ${timeoutMs} ms`)), timeoutMs)),
  ]);
  return {
    kind: 'inboxsdk',
    onComposeOpened(handler) {
      const account = safe(() => sdk.User.getEmailAddress());
      sdk.Compose.registerComposeViewHandler((view) => handler(composeHandle(view, account)));
    },
    onThreadOpened(handler) {
      sdk.Conversations.registerThreadViewHandler((view) => {
        void view.getThreadIDAsync().then((id) => handler(threadHandle(view, id)));
      });
    },
  };
}

export function composeHandle(view: ComposeView, account?: string): ComposeHandle {
  const el = view.getElement();
  let panelHost: HTMLElement | undefined;
  return {
    key: composeKeyOf(view, el),
    element: el,
    getSubject: () => view.getSubject(),
    setSubject: (s) => view.setSubject(s),
    // Paragraphs and line breaks kept as newlines (InboxSDK's getTextContent drops them), so the text
    // part of the email and the scorer's paragraph checks read the lines the rep sees; read from the
    // HTML rather than innerText, which lays the page out on every keystroke.
    getBodyText: () => htmlToPlain(view.getHTMLContent()),
    getBodyHtml: () => view.getHTMLContent(),
    setBodyText: (t) => view.setBodyHTML(textToHtml(t)),
    getRecipients: () => view.getToRecipients().map((c) => c.emailAddress),
    threadId: () => safe(() => view.getThreadID()) || undefined,
    onChange(handler) {
      // InboxSDK has no body-change event; edits bubble as input events from the dialog.
      el.addEventListener('input', handler);
      return () => el.removeEventListener('input', handler);
    },
    onClosed: (handler) => view.on('destroy', handler),
    onKeydown(handler) {
      el.addEventListener('keydown', handler, true);
      return () => el.removeEventListener('keydown', handler, true);
    },
    close() {
      try {
        view.close();
        // The panel goes with the compose even before InboxSDK reports the destroy.
        panelHost?.remove();
      } catch {
        // Gmail moved its close button: the compose stays open, the panel still says what happened.
      }
    },
    addToolbarButton: ({ title, onClick }) => void view.addButton({ title, iconUrl: ICON, onClick, type: 'MODIFIER' }),
    mountPanel() {
      const { host, container } = createShadowContainer({ 'data-lumina': 'glow', 'data-host': 'inboxsdk' });
      document.body.append(host);
      panelHost = host;
      view.on('destroy', () => host.remove());
      return container;
    },
    onPresend: (handler) => view.on('presending', handler),
    // InboxSDK's `sent` fires once Gmail's own send went through; Lumina's sends close the compose instead, so never fire it.
    onGmailSent: (handler) =>
      view.on('sent', (event) => {
        void Promise.all([event.getMessageID(), event.getThreadID().catch(() => undefined)])
          .then(([messageId, threadId]) => handler({ messageId, ...(threadId ? { threadId } : {}), ...(account ? { account } : {}) }))
          .catch(() => undefined); // no id, nothing to count by: the full-mode sync (if any) still sees it
      }),
  };
}

function threadHandle(view: ThreadView, threadId: string): ThreadHandle {
  return {
    threadId,
    subject: view.getSubject(),
    messages: () =>
      Promise.all(
        view
          .getMessageViewsAll()
          .filter((m) => m.isLoaded())
          .map(async (m) => ({
            id: await m.getMessageIDAsync().catch(() => undefined),
            from: safe(() => m.getSender().emailAddress),
            date: isoDate(safe(() => m.getDateString())),
            text: m.getBodyElement()?.innerText ?? '',
          })),
      ),
    mountSidebar(title) {
      const { host, container } = createShadowContainer({ 'data-lumina': 'sidebar', 'data-host': 'inboxsdk' });
      view.addSidebarContentPanel({ title, iconUrl: ICON, el: host });
      return container;
    },
  };
}

/** Gmail's draft id when it has one, else the compose form's id: both survive a reload of the draft. */
function composeKeyOf(view: ComposeView, el: HTMLElement): string {
  const composeId = el.querySelector<HTMLInputElement>('input[name="composeid"]')?.value;
  const thread = safe(() => view.getThreadID());
  return thread ? `thread:${thread}` : composeId ? `compose:${composeId}` : `subject:${view.getSubject()}`;
}

/** Gmail shows dates for people ("Nov 3, 2026, 9:14 AM"); undefined when it does not parse. */
function isoDate(shown: string | undefined): string | undefined {
  const t = shown ? Date.parse(shown) : NaN;
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function safe<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}
