/**
 * The one door between Lumina and Gmail. Two implementations: InboxSDK (the real one)
 * and a minimal DOM host used when InboxSDK cannot load. Nothing else in the content
 * script touches Gmail's DOM.
 */
export interface GmailHost {
  kind: 'inboxsdk' | 'dom';
  onComposeOpened(handler: (compose: ComposeHandle) => void): void;
  onThreadOpened(handler: (thread: ThreadHandle) => void): void;
}

export interface ComposeHandle {
  /** Stable across reloads where Gmail allows it (draft id, compose id, thread id). */
  key: string;
  /** The compose window's element: how the DOM host's early panel finds the InboxSDK compose it hands over to. */
  element?: HTMLElement;
  getSubject(): string;
  setSubject(subject: string): void;
  getBodyText(): string;
  getBodyHtml(): string;
  /** Writes plain text as paragraphs (`<p>`, `<br>`): what reaches the email's HTML part. */
  setBodyText(text: string): void;
  getRecipients(): string[];
  threadId(): string | undefined;
  /** Any edit of subject or body. Returns an unsubscribe. */
  onChange(handler: () => void): () => void;
  onClosed(handler: () => void): void;
  /** Keys pressed inside the compose (Lumina's undo listens for Ctrl/Cmd+Z). Returns an unsubscribe. */
  onKeydown(handler: (event: KeyboardEvent) => void): () => void;
  /** Closes the compose window the way Gmail does after its own Send. */
  close(): void;
  addToolbarButton(button: { title: string; onClick: () => void }): void;
  /** A shadow-root container for Lumina's panel, bound to this compose. */
  mountPanel(): HTMLElement;
  /** Gmail's own Send was pressed: a chance to warn (never to block silently). */
  onPresend(handler: () => void): void;
  /**
   * Gmail itself sent this compose (its own Send, not Lumina's): the message's Gmail id, so the
   * budget counts it (light mode). The DOM host, which has no `sent` event, calls it once Gmail's
   * notice (or the compose closing) confirmed a Send pressed in the compose.
   */
  onGmailSent(handler: (sent: GmailSent) => void): void;
}

/** A message Gmail sent from a compose, by Gmail's ids (16 hex digits, as the Gmail API's). */
export interface GmailSent {
  messageId: string;
  threadId?: string;
  /** The Gmail account signed in in this tab, when the host knows it. */
  account?: string;
  /**
   * Gmail showed no id: `messageId` is Lumina's own for this send (24 hex digits, never one of
   * Gmail's), stable for the send so a repeat counts once. Full mode's inbox sync counts the real
   * message by Gmail's id, so such a report is for light mode only.
   */
  guessed?: boolean;
}

export interface ThreadHandle {
  threadId: string;
  subject: string;
  /** Messages visible in the thread, as far as the host can read them. */
  messages(): Promise<ThreadMessage[]>;
  /** A shadow-root container in the thread's sidebar. */
  mountSidebar(title: string): HTMLElement;
}

/** One message of an open thread, as Gmail shows it. */
export interface ThreadMessage {
  /** Gmail's message id (16 hex digits), when the host can read it. */
  id?: string;
  /** The sender's address. */
  from?: string;
  /** ISO date-time the message was received, when shown. */
  date?: string;
  text: string;
}
