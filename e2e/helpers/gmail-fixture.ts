import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const template = readFileSync(fileURLToPath(new URL('../fixtures/gmail.html', import.meta.url)), 'utf8');

/** Gmail's page-world globals InboxSDK reads; without them `InboxSDK.load()` never settles. */
const GLOBALS = `<script>window.GLOBALS=Array(40).fill(null);GLOBALS[10]="rep@lumina.test";GLOBALS[4]="x.en";GLOBALS[9]="abc";GLOBALS[17]=[];</script>`;

export const FIXTURE_THREAD_ID = '18f00000000000aa';
export const FIXTURE_THREAD_SUBJECT = "Quick question about Acme's onboarding";

/** A message shown in the fixture's thread view, as Gmail renders one. */
export interface FixtureMessage {
  /** Gmail's legacy message id (16 hex digits). */
  id: string;
  from: string;
  fromName?: string;
  date: Date;
  text: string;
}

export interface FixtureOptions {
  /** false leaves out the globals so InboxSDK hangs and Lumina's DOM host takes over. */
  inboxSdk: boolean;
  /** The compose window open at load (`false`: none). */
  composeId?: string | false;
  threadId?: string;
  subject?: string;
  messages?: FixtureMessage[];
}

/** The fixture Gmail page: a thread view (with its messages) and, unless told otherwise, one compose window. */
export function gmailFixture(options: FixtureOptions): string {
  let html = template
    .replace('__GLOBALS__', options.inboxSdk ? GLOBALS : '')
    .replace('__THREAD_ID__', options.threadId ?? FIXTURE_THREAD_ID)
    .replace('__THREAD_SUBJECT__', escape(options.subject ?? FIXTURE_THREAD_SUBJECT))
    .replace('__MESSAGES__', (options.messages ?? []).map(messageHtml).join('\n'));
  if (options.composeId === false) html = html.replace(/<!--COMPOSE-->[\s\S]*<!--\/COMPOSE-->/, '');
  return html.replace('__COMPOSE_ID__', options.composeId || 'cmp1');
}

function messageHtml(m: FixtureMessage): string {
  return `<div class="adn" data-legacy-message-id="${m.id}" data-message-id="#msg-f:${BigInt(`0x${m.id}`)}">
  <span class="gD" email="${escape(m.from)}" name="${escape(m.fromName ?? m.from)}">${escape(m.fromName ?? m.from)}</span>
  <span class="g3" title="${m.date.toUTCString()}">${m.date.toUTCString()}</span>
  <div class="a3s">${escape(m.text)}</div>
</div>`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
