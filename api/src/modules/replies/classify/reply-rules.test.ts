import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { detectLanguage } from './language';
import { replyMeaning } from './meaning';
import { ownWords } from './quoted';
import { findReturnDate } from './return-date';

// Messages and phrases written for these tests.
const sent = new Date('2026-03-04T10:15:00Z');
const mail = (headers: Record<string, string>, body: string) =>
  [...Object.entries({ From: 'Pat <pat@acme.example>', To: 'sam@lumina.test', Date: 'Wed, 04 Mar 2026 10:15:00 +0000', ...headers }).map(([k, v]) => `${k}: ${v}`), '', body, ''].join('\r\n');

describe('language is detected before dates are read', () => {
  it.each([
    ['Ich bin bis einschließlich 20. März nicht im Büro.', 'de'],
    ["Je suis absente jusqu'au 27 mars.", 'fr'],
    ['Estoy fuera de la oficina hasta el 15 de abril.', 'es'],
    ['Estou fora do escritório até 10 de março.', 'pt'],
    ['Ik ben afwezig tot en met 17 maart.', 'nl'],
    ['Sono in ferie, rientro lunedì 13 aprile.', 'it'],
    ['I am out of the office until Friday.', 'en'],
  ])('"%s" → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('relative days are read from the message\'s own date and zone', () => {
    // Thursday 23:30 in California is already Friday in UTC; "next Monday" is the 9th either way,
    // and "tomorrow" is the Friday of the writer's own zone.
    expect(findReturnDate('Back tomorrow.', new Date('2026-03-06T07:30:00Z'), 'Thu, 05 Mar 2026 23:30:00 -0800')).toBe('2026-03-06');
    expect(findReturnDate('Je suis en vacances jusqu\'à lundi prochain.', sent, 'Wed, 04 Mar 2026 11:15:00 +0100')).toBe('2026-03-09');
    expect(findReturnDate('Estou de férias e volto no dia 30 de março.', sent)).toBe('2026-03-30');
    expect(findReturnDate('Travelling from March 2 to March 13.', sent)).toBe('2026-03-13');
  });

  it('"we will get back to you within 24 hours" is no return date', () => {
    expect(findReturnDate('We will get back to you within 24 hours.', sent)).toBeUndefined();
  });
});

describe('reply meaning', () => {
  it.each([
    ['Not right now — ping me in Q3.', '2026-07-01'],
    ['Can you follow up in June?', '2026-06-01'],
    ["We're not looking at tools this quarter. Try me again in September.", '2026-09-01'],
    ['Check back in two weeks?', '2026-03-18'],
    ['Aktuell kein Bedarf, melden Sie sich im nächsten Quartal.', '2026-04-01'],
  ])('"%s" is not_now, follow up on %s', (text, day) => {
    expect(replyMeaning(text, { sentAt: sent })).toEqual({ meaning: 'not_now', followUpDate: day });
  });

  it('a referral names the person after the hand-off, titles and our own rep left out', () => {
    expect(replyMeaning('Dafür ist mein Kollege Markus Weber zuständig: markus.weber@acme.example', { sentAt: sent }).referral).toEqual({ name: 'Markus Weber', email: 'markus.weber@acme.example' });
    expect(replyMeaning('Ik ben niet de juiste persoon, neem contact op met Joost de Boer.', { sentAt: sent }).referral).toEqual({ name: 'Joost de Boer' });
    expect(replyMeaning("I'll loop in our RevOps lead too. Let's do it.", { sentAt: sent }).meaning).toBe('interested');
    expect(replyMeaning('Please reach out to Sam Rivera again next week', { sentAt: sent, own: ['Sam Rivera <sam@lumina.test>'] }).meaning).not.toBe('referral');
  });

  it.each([
    ['Danke, aber kein Interesse.', 'objection'],
    ["Merci, mais ça ne nous intéresse pas.", 'objection'],
    ['Obrigada, mas não temos interesse.', 'objection'],
    ['Hoi Sam, klinkt goed. Kunnen we volgende week een demo inplannen?', 'interested'],
    ['Ciao Sam, mi interessa.', 'interested'],
    ['Thursday works.', 'interested'],
    ['Who gave you my address?', 'other'],
  ])('"%s" → %s', (text, meaning) => {
    expect(replyMeaning(text, { sentAt: sent }).meaning).toBe(meaning);
  });
});

describe('own words', () => {
  it('a sign-off line ends the reply: the signature\'s titles never read as meaning', () => {
    expect(ownWords('Sounds good.\n\nBest,\nPat\nHead of Sales — not interested in spam\n')).toBe('Sounds good.');
    expect(ownWords('Gerne.\n\nViele Grüße\nPat')).toBe('Gerne.');
  });
  it('a mobile signature goes too (email-reply-parser)', () => {
    expect(ownWords('Yes please.\n\nSent from my iPhone')).toBe('Yes please.');
  });
});

describe('automatic answers', () => {
  it('a help-desk acknowledgement is auto_reply even when it promises an answer by a date', async () => {
    const r = await classifyInbound(mail({ Subject: '[Request #4521] Re: Quick question', 'Auto-Submitted': 'auto-generated', 'X-Zendesk-From-Account-Id': '1' }, 'We have received your request and will get back to you by Monday.'));
    expect(r).toEqual({ kind: 'auto_reply', meaning: 'auto_reply' });
  });
  it('an absence wins over acknowledgement words', async () => {
    const r = await classifyInbound(mail({ Subject: 'Automatic reply', 'Auto-Submitted': 'auto-replied' }, 'Thanks, I have received your message. I am on vacation until 20 March 2026.'));
    expect(r).toMatchObject({ meaning: 'out_of_office', returnDate: '2026-03-20' });
  });
});

describe('the AI classifier, only where the rules cannot place a reply', () => {
  it('is asked about a reply no phrase family places, and its meaning is taken', async () => {
    const asked: string[] = [];
    const refine = async (text: string) => {
      asked.push(text);
      return { meaning: 'referral' as const, referral: { name: 'Jo Kim' } };
    };
    expect(await classifyInbound(mail({ Subject: 'Re: hi' }, 'Sounds good, tell me more.'), { refine })).toMatchObject({ meaning: 'interested' });
    expect(asked).toEqual([]);
    const r = await classifyInbound(mail({ Subject: 'Re: hi' }, 'Jo Kim might care about this, not me.'), { refine });
    expect(r).toMatchObject({ kind: 'reply', meaning: 'referral', referral: { name: 'Jo Kim' } });
    expect(asked).toEqual(['Jo Kim might care about this, not me.']);
  });
  it('keeps the rules\' answer when it fails or has no opinion', async () => {
    const failing = async () => {
      throw new Error('provider down');
    };
    expect(await classifyInbound(mail({ Subject: 'Re: hi' }, 'Hmm, maybe.'), { refine: failing })).toEqual({ kind: 'reply', meaning: 'other' });
    expect(await classifyInbound(mail({ Subject: 'Re: hi' }, 'Hmm, maybe.'), { refine: async () => null })).toEqual({ kind: 'reply', meaning: 'other' });
  });
});
