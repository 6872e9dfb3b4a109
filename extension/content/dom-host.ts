import type { ComposeHandle, GmailHost, GmailSent, ThreadHandle, ThreadMessage } from './host';
import { createShadowContainer } from './shadow-mount';
import { textToHtml } from '../../shared/text-to-html';
import { htmlToPlain } from '../../shared/html-plain';
import { createSendWatch, fallbackSendId, gmailIdFromLink, type SendWatch } from './gmail-send-watch';

/**
 * The fallback when InboxSDK cannot load (Gmail changed, no app id): a few of Gmail's
 * stable hooks read straight from the DOM, and ONE floating Glow panel that follows the
 * compose the rep is typing in. No toolbar button, no sidebar slot: the popup says
 * Lumina is running degraded.
 */
export function createDomHost(root: Document = document): DomHost {
  const seen = new WeakSet<Element>();
  const floating = lazyFloatingPanel(root);
  const composes = new Set<DomCompose>();
  const observers: MutationObserver[] = [];
  const notices = noticeWatcher(root);
  return {
    kind: 'dom',
    onComposeOpened(handler) {
      const scan = () => {
        for (const dialog of root.querySelectorAll<HTMLElement>('[role="dialog"]')) {
          if (seen.has(dialog) || !dialog.querySelector('[g_editable="true"], [contenteditable="true"]')) continue;
          seen.add(dialog);
          const compose = domCompose(dialog, floating, notices, () => composes.delete(compose));
          composes.add(compose);
          handler(compose.handle);
        }
      };
      const observer = new MutationObserver(scan);
      observer.observe(root.body, { childList: true, subtree: true });
      observers.push(observer);
      scan();
    },
    stopWatching() {
      for (const o of observers.splice(0)) o.disconnect();
    },
    release(handle) {
      const c = [...composes].find((x) => x.handle === handle);
      if (!c || c.touched()) return false;
      c.release();
      if (composes.size === 0) floating.remove();
      return true;
    },
    onThreadOpened(handler) {
      let current = '';
      const check = () => {
        const el = root.querySelector<HTMLElement>('[data-legacy-thread-id]');
        const id = el?.dataset.legacyThreadId ?? '';
        if (!el || id === current) return;
        current = id;
        handler(domThread(root, el, id, floating));
      };
      root.defaultView?.addEventListener('hashchange', check);
      new MutationObserver(check).observe(root.body, { childList: true, subtree: true });
      check();
    },
  };
}

/** The DOM host, which can also step aside for InboxSDK once it has loaded (content/index.ts). */
export interface DomHost extends GmailHost {
  /** Stops looking for new compose windows (InboxSDK has loaded and finds them). */
  stopWatching(): void;
  /**
   * Lets go of a compose, unless the rep has touched its panel (a click, a key or focus in it:
   * a half-made choice is never swept away): its panel goes, its close handlers run (the
   * session stops listening and saves), the compose window stays open. Answers whether it did.
   */
  release(compose: ComposeHandle): boolean;
}

type FloatingPanel = ReturnType<typeof lazyFloatingPanel>;
type DomCompose = { handle: ComposeHandle; release(): void; touched(): boolean };
type Notices = ReturnType<typeof noticeWatcher>;

/** Gmail's Send in a compose: its button (not the schedule-send arrow beside it). */
const SEND_BUTTON = '[role="button"]';
const isSendButton = (el: Element) => !el.hasAttribute('selector') && (el.textContent?.trim() === 'Send' || (el.getAttribute('data-tooltip') ?? '').startsWith('Send'));
/** What ends a compose without sending: Discard (the bin) and Close (the draft is kept). */
const DISCARD_OR_CLOSE = '[aria-label="Close"], [data-tooltip="Close"], img.Ha, [aria-label^="Discard"], [data-tooltip^="Discard"], .og';

/**
 * Gmail's "Message sent" notice, one for the whole page: handed to the compose whose send is
 * waiting for it (the earliest pressed), then watched until Undo is no longer on offer.
 * Gmail's notice (`#link_vsm` "View message", `#link_undo` "Undo") sits in a role=alert box.
 */
function noticeWatcher(root: Document) {
  const waiting: SendWatch[] = [];
  const held = new Map<Element, SendWatch>();
  const noticeOf = (link: Element) => link.closest('[role="alert"]') ?? link.parentElement ?? link;
  const scan = () => {
    for (const [link, watch] of held) {
      const box = noticeOf(link);
      if (!link.isConnected || !box.querySelector('#link_undo')) {
        held.delete(link);
        watch.noticeSettled();
      }
    }
    const link = root.querySelector('#link_vsm') ?? [...root.querySelectorAll('[role="alert"]')].find((a) => /^Message sent/i.test(a.textContent?.trim() ?? ''));
    if (!link || held.has(link)) return;
    // Gmail may reuse the notice's link for the next send: a new message is a new `param` (or URL).
    const names = `${link.getAttribute('param')}|${link.getAttribute('href')}`;
    if (seen.get(link) === names) return;
    seen.set(link, names);
    // Sends that settled without a notice (refused, discarded, handed over) wait no more; a new press brings them back.
    waiting.splice(0, waiting.length, ...waiting.filter((w) => w.waitingForNotice()));
    const watch = waiting.shift();
    if (!watch) return; // a notice for a send Lumina did not see pressed (or its own): nothing to count
    const messageId = gmailIdFromLink(link.getAttribute('param'), link.getAttribute('href'), link.querySelector('a')?.getAttribute('href'));
    const undoable = !!noticeOf(link).querySelector('#link_undo');
    if (undoable) held.set(link, watch);
    watch.notice(messageId, undoable);
  };
  const seen = new WeakMap<Element, string>();
  let observer: MutationObserver | undefined;
  // Undo pressed on the notice: that send is taken back.
  root.addEventListener(
    'click',
    (e) => {
      const undo = (e.target as Element | null)?.closest?.('#link_undo');
      if (!undo) return;
      for (const [link, watch] of held) {
        if (noticeOf(link).contains(undo)) {
          held.delete(link);
          watch.undone();
        }
      }
    },
    true,
  );
  root.defaultView?.addEventListener('pagehide', () => {
    for (const watch of held.values()) watch.pageHidden();
  });
  return {
    /** A send was pressed in a compose: the next notice is its own. */
    expect(watch: SendWatch) {
      if (!waiting.includes(watch)) waiting.push(watch);
      observer ??= new MutationObserver(scan);
      observer.observe(root.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['id', 'param', 'href'] });
    },
  };
}

/** The Gmail account of the tab: Gmail's title reads "Inbox - rep@acme.com - Gmail". */
function accountOf(root: Document): string | undefined {
  return root.title.match(/[^\s@]+@[^\s@]+\.[^\s@-]+/)?.[0];
}

function lazyFloatingPanel(root: Document) {
  let shell: { host: HTMLElement; container: HTMLElement } | undefined;
  const panes = new Map<string, HTMLElement>();
  const get = () => {
    if (!shell) {
      shell = createShadowContainer({ 'data-lumina': 'glow', 'data-host': 'dom' });
      shell.container.classList.add('floating');
      root.body.append(shell.host);
    }
    return shell;
  };
  return {
    pane(id: string) {
      const pane = root.createElement('div');
      pane.dataset.pane = id;
      get().container.append(pane);
      // A thread's sidebar never hides a compose the rep is writing in (focusing the compose brings its pane back anyway).
      const composing = [...panes.keys()].some((k) => !k.startsWith('thread:'));
      panes.set(id, pane);
      if (id.startsWith('thread:') && composing) pane.hidden = true;
      else this.focus(id);
      return pane;
    },
    focus(id: string) {
      for (const [key, pane] of panes) pane.hidden = key !== id;
    },
    drop(id: string) {
      panes.get(id)?.remove();
      panes.delete(id);
    },
    remove() {
      shell?.host.remove();
      shell = undefined;
      panes.clear();
    },
  };
}

let composeCounter = 0;

function domCompose(dialog: HTMLElement, floating: FloatingPanel, notices: Notices, forget: () => void): DomCompose {
  const body = () => dialog.querySelector<HTMLElement>('[g_editable="true"], [contenteditable="true"]')!;
  const subject = () => dialog.querySelector<HTMLInputElement>('input[name="subjectbox"]');
  const paneId = `c${++composeCounter}`;
  const composeId = dialog.querySelector<HTMLInputElement>('input[name="composeid"]')?.value;
  const closed: Array<() => void> = [];
  // Released (handed over to InboxSDK) while a session was still starting: it gets nothing to show or listen to.
  let released = false;
  let touched = false;
  const touch = () => {
    touched = true;
  };
  const sentHandlers: Array<(sent: GmailSent) => void> = [];
  const account = accountOf(dialog.ownerDocument);
  let pressedAt = 0;
  const watch = createSendWatch({
    report: ({ messageId, guessed }) => {
      for (const h of sentHandlers) h({ messageId, ...(account ? { account } : {}), ...(guessed ? { guessed } : {}) });
    },
    fallbackId: () => fallbackSendId({ account, draftId: dialog.querySelector<HTMLInputElement>('input[name="draft"]')?.value, composeId, pressedAt }),
  });
  const pressed = () => {
    if (released) return;
    pressedAt = Date.now();
    watch.pressed();
    notices.expect(watch);
  };
  dialog.addEventListener(
    'click',
    (e) => {
      const target = e.target as Element;
      if (target.closest(DISCARD_OR_CLOSE)) return watch.discarded();
      const button = target.closest(SEND_BUTTON);
      if (button && dialog.contains(button) && isSendButton(button)) pressed();
    },
    true,
  );
  dialog.addEventListener(
    'keydown',
    (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && !e.defaultPrevented) pressed();
    },
    true,
  );
  /** Gone from the page (sent, closed or discarded: the watch tells which), or handed over (`stopSends`). */
  const release = (stopSends = true) => {
    released = true;
    // Handed over to InboxSDK: its `sent` reports this compose from now on, never both.
    if (stopSends) watch.stop();
    gone.disconnect();
    forget();
    floating.drop(paneId);
    for (const h of closed.splice(0)) h();
  };
  const gone = new MutationObserver(() => {
    if (dialog.isConnected) return;
    watch.composeGone();
    release(false);
  });
  gone.observe(dialog.ownerDocument.body, { childList: true, subtree: true });
  dialog.addEventListener('focusin', () => floating.focus(paneId));
  const handle: ComposeHandle = {
    key: composeId ? `compose:${composeId}` : `dom:${paneId}`,
    element: dialog,
    getSubject: () => subject()?.value ?? '',
    setSubject(s) {
      const input = subject();
      if (input) input.value = s;
    },
    // The text the rep sees, by the same rule as the InboxSDK host and the scorer (innerText lays the page out).
    getBodyText: () => htmlToPlain(body().innerHTML),
    getBodyHtml: () => body().innerHTML,
    setBodyText(text) {
      body().innerHTML = textToHtml(text);
    },
    getRecipients: () =>
      [...dialog.querySelectorAll<HTMLElement>('[data-hovercard-id]')].map((el) => el.dataset.hovercardId!).filter((e) => e.includes('@')),
    threadId: () => undefined,
    onChange(handler) {
      if (released) return () => {};
      dialog.addEventListener('input', handler);
      return () => dialog.removeEventListener('input', handler);
    },
    onClosed: (handler) => (released ? queueMicrotask(handler) : void closed.push(handler)),
    onKeydown(handler) {
      if (released) return () => {};
      dialog.addEventListener('keydown', handler, true);
      return () => dialog.removeEventListener('keydown', handler, true);
    },
    close() {
      // Gmail's own close control when there is one; otherwise the window simply goes.
      const button = dialog.querySelector<HTMLElement>('[aria-label="Close"], [data-tooltip="Close"], img.Ha');
      if (button) button.click();
      else dialog.remove();
    },
    addToolbarButton() {
      // No safe slot in Gmail's toolbar without InboxSDK: the floating panel carries the actions.
    },
    mountPanel() {
      if (released) return dialog.ownerDocument.createElement('div');
      const pane = floating.pane(paneId);
      for (const type of ['pointerdown', 'keydown', 'focusin']) pane.addEventListener(type, touch);
      return pane;
    },
    // Gmail's own Send, confirmed by its notice or the compose going (gmail-send-watch.ts says how).
    onGmailSent(handler) {
      if (!released) sentHandlers.push(handler);
    },
    onPresend(handler) {
      const send = [...dialog.querySelectorAll<HTMLElement>('[role="button"]')].find((b) => b.textContent?.trim() === 'Send');
      send?.addEventListener('click', handler, { capture: true });
    },
  };
  return { handle, release: () => release(), touched: () => touched };
}

function domThread(root: Document, el: HTMLElement, threadId: string, floating: FloatingPanel): ThreadHandle {
  return {
    threadId,
    subject: el.querySelector('h2')?.textContent?.trim() ?? '',
    messages: async () => [...root.querySelectorAll<HTMLElement>('[data-legacy-message-id], [data-message-id]')].map(domMessage),
    mountSidebar: () => floating.pane(`thread:${threadId}`),
  };
}

/**
 * One message of Gmail's thread view: its legacy id (16 hex digits), the sender chip
 * (`span.gD[email]`), the date with its full form in `title` (`span.g3`), the body (`div.a3s`).
 */
function domMessage(el: HTMLElement): ThreadMessage {
  // `#msg-f:<decimal>` is the same id as the legacy hex one.
  const decimal = el.dataset.messageId?.match(/msg-f:(\d+)/)?.[1];
  const legacy = el.dataset.legacyMessageId ?? (decimal ? BigInt(decimal).toString(16) : undefined);
  const shown = el.querySelector<HTMLElement>('.g3[title]')?.title;
  const when = shown ? Date.parse(shown) : NaN;
  const from = el.querySelector('.gD[email]')?.getAttribute('email');
  return {
    ...(legacy ? { id: legacy } : {}),
    ...(from ? { from } : {}),
    ...(Number.isNaN(when) ? {} : { date: new Date(when).toISOString() }),
    text: (el.querySelector<HTMLElement>('.a3s') ?? el).innerText ?? '',
  };
}
