import { describe, expect, it } from 'vitest';
import { parseRuntimeMessage } from './messages';

describe('runtime messages', () => {
  it('parses our messages by their type', () => {
    expect(parseRuntimeMessage({ type: 'draft.changed', id: 'abc' })).toEqual({ type: 'draft.changed', id: 'abc' });
    expect(parseRuntimeMessage({ type: 'dashboard.get', days: 30 })).toEqual({ type: 'dashboard.get', days: 30 });
    expect(parseRuntimeMessage({ type: 'session.sandboxLogin', email: 'rep@lumina.test' })).toMatchObject({ email: 'rep@lumina.test' });
  });

  it('leaves messages that are not ours alone (InboxSDK shares the channel)', () => {
    expect(parseRuntimeMessage({ type: 'inboxsdk__injectPageWorld' })).toBeUndefined();
    expect(parseRuntimeMessage('hello')).toBeUndefined();
    expect(parseRuntimeMessage(null)).toBeUndefined();
  });

  it('refuses malformed payloads of a known type', () => {
    expect(parseRuntimeMessage({ type: 'dashboard.get', days: 9 })).toBeUndefined();
    expect(parseRuntimeMessage({ type: 'session.sandboxLogin', email: 'not-an-email' })).toBeUndefined();
    expect(parseRuntimeMessage({ type: 'email.send', idempotencyKey: 'short', payload: { to: 'a@b.co', subject: 's', bodyHtml: 'b' } })).toBeUndefined();
    expect(parseRuntimeMessage({ type: 'email.send', idempotencyKey: 'lumina-key-123', payload: { to: 'a@b.co', subject: 's', bodyHtml: 'b' } })).toMatchObject({ type: 'email.send' });
  });
});
