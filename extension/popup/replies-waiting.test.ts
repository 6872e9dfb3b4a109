import { describe, expect, it } from 'vitest';
import { replyMeanings, type ReplyItem } from '../../shared/contracts/replies';
import { MEANING_WORDS, repliesWaiting } from './replies-waiting';

const reply = (meaning: ReplyItem['meaning'], id: number): ReplyItem => ({
  id, receivedAt: new Date().toISOString(), meaning, from: 'dana@acme.test', subject: 'Re: hi', snippet: null, returnDate: null,
  referral: null, bounceReason: null, email: { id: 'e', to: 'dana@acme.test', subject: 'hi', threadId: null }, campaign: null, leadStatus: null,
});

describe('replies waiting', () => {
  it('keeps what a person wrote and drops machines and mail problems, in order', () => {
    const items = replyMeanings.map((m, i) => reply(m, i));
    expect(repliesWaiting(items).map((r) => r.meaning)).toEqual(['interested', 'not_now', 'objection', 'referral', 'other']);
  });
  it('has words for every meaning, none of them a code', () => {
    for (const m of replyMeanings) expect(MEANING_WORDS[m]).toMatch(/^[A-Z][a-z ]+$/);
  });
});
