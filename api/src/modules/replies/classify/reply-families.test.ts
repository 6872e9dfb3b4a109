import { describe, expect, it } from 'vitest';
import { classifyInbound } from './classify';
import { replyMeaning } from './meaning';
import { findReturnDate } from './return-date';
import { isUnsubscribeRequest } from './unsubscribe';

// One message of our own per phrase family added after the late-3 batch (none is copied from a
// fixture), so each family is held by a test, not only by the dev set's figures.
const sent = new Date('2026-05-12T09:00:00Z');
const mean = (text: string) => replyMeaning(text, { sentAt: sent, own: ['Pat <pat@acme.example>', 'pat@acme.example'] }).meaning;

describe('interest families', () => {
  it.each([
    ['worth a look / timely / open to', 'Could be worth a chat, our pipeline review is next week.'],
    ['asking for times', 'Share a few times that suit you and I will pick one.'],
    ['a calendar of their own', 'Book whatever works through my calendar.'],
    ['German: können wir telefonieren', 'Können wir am Donnerstag kurz telefonieren?'],
    ['French: un créneau / on peut en parler', 'On peut en parler jeudi si vous voulez.'],
    ['Spanish: me encantaría / hablemos', 'Hablemos la semana que viene.'],
    ['Portuguese: faz sentido / vamos conversar', 'Vamos conversar na quinta?'],
    ['Dutch: laten we bellen / wanneer heb je', 'Laten we volgende week even bellen.'],
    ['Italian: mi piacerebbe / sentiamoci', 'Sentiamoci giovedì pomeriggio.'],
    ['send something to forward', 'Send over a one-pager and I will pass it around.'],
  ])('%s', (_family, text) => {
    expect(mean(text)).toBe('interested');
  });
});

describe('deferral families', () => {
  it.each([
    ['not the right time / priority', "It's not the right time for us, maybe later.", undefined],
    ['on hold', 'We put this on hold while the team changes.', undefined],
    ['come back then, with a month', 'Circle back in August please.', '2026-08-01'],
    ['seasons in German', 'Melden Sie sich nach dem Sommer noch einmal.', undefined],
    ['a few months away in Dutch', 'Over een paar maanden misschien.', undefined],
    ['French month alone after the deferral', 'Pas maintenant, revenez vers moi en octobre.', '2026-10-01'],
    ['Spanish "not a priority"', 'No es prioridad este trimestre.', undefined],
    ['Portuguese "for now, no"', 'Por enquanto não, obrigado.', undefined],
    ['Italian "for now no, let us talk again"', 'Per il momento no, ne riparliamo a settembre.', '2026-09-01'],
    ['heads-down / try again in', 'Heads-down on a launch. Try again in July.', '2026-07-01'],
  ])('%s', (_family, text, day) => {
    const m = replyMeaning(text, { sentAt: sent });
    expect(m.meaning).toBe('not_now');
    expect(m.followUpDate).toBe(day);
  });
});

describe('objection families', () => {
  it.each([
    ['price', 'The pricing is way more than a seed-stage team can spend.'],
    ['budget', "We don't have any budget for outbound tools."],
    ['a contract or competitor', "We're tied into Salesloft until 2028."],
    ['already using, French', 'Nous utilisons déjà un autre outil.'],
    ['already using, Portuguese', 'Já usamos outra ferramenta para isso.'],
    ['policy and security', "Security wouldn't approve a tool with inbox access."],
    ['no budget, Spanish', 'No tenemos presupuesto para esto.'],
    ['too expensive, Dutch', 'Dat is te duur voor ons.'],
    ['no interest', 'Zero interest, thanks.'],
  ])('%s', (_family, text) => {
    expect(mean(text)).toBe('objection');
  });
});

describe('hand-off families', () => {
  it.each([
    ['name and address first, cue after', 'Omar Haddad (omar@globex.example) manages our outbound now, loop him in.', { name: 'Omar Haddad', email: 'omar@globex.example' }],
    ['German: kümmert sich', 'Um solche Themen kümmert sich Petra Lorenz, petra.lorenz@globex.example.', { name: 'Petra Lorenz', email: 'petra.lorenz@globex.example' }],
    ['Spanish: te paso con', 'Te paso con Andrés Molina: andres@globex.example', { name: 'Andrés Molina', email: 'andres@globex.example' }],
    ['Dutch: ligt bij', 'Dat ligt bij Femke Visser, femke@globex.example.', { name: 'Femke Visser', email: 'femke@globex.example' }],
    ['Italian: se ne occupa', 'Se ne occupa Chiara Ricci (chiara@globex.example).', { name: 'Chiara Ricci', email: 'chiara@globex.example' }],
    ['direct this to', 'Please forward this to Lena Park at lena@globex.example.', { name: 'Lena Park', email: 'lena@globex.example' }],
  ])('%s', (_family, text, referral) => {
    expect(replyMeaning(text, { sentAt: sent, own: ['pat@acme.example'] })).toEqual({ meaning: 'referral', referral });
  });

  it("the sender's own address is never the referred person", () => {
    expect(replyMeaning('Interesting. I handle this myself, write to pat@acme.example.', { sentAt: sent, own: ['pat@acme.example'] }).meaning).not.toBe('referral');
  });
});

describe('opt-out families', () => {
  it.each([
    ["French elided: ne plus m'écrire", "Merci de ne plus m'envoyer ce genre de message."],
    ['French: ne me contactez plus', 'Ne me contactez plus.'],
    ['Portuguese: me tirem / tire-me', 'Tire-me dessa lista, por favor.'],
    ['Spanish: no me vuelvan a escribir', 'No me vuelvan a escribir.'],
    ['Italian: non scrivetemi più', 'Non scrivetemi più.'],
    ['English: stop sending', 'Stop sending these.'],
  ])('%s', (_family, text) => {
    expect(isUnsubscribeRequest(text)).toBe(true);
  });

  it('asking to keep receiving is no request', () => {
    expect(isUnsubscribeRequest("Please don't take me off the list, I like these.")).toBe(false);
  });
});

describe('absence dates', () => {
  it('a "back on" date wins over an "until" date before it', () => {
    expect(findReturnDate('Out until Friday 15 May inclusive, back in the office on Monday 18 May.', sent)).toBe('2026-05-18');
  });
  it('a day-month date without a year (German, Dutch) takes the next such day', () => {
    expect(findReturnDate('Ich bin ab dem 26.5. wieder im Büro.', sent, 'Tue, 12 May 2026 11:00:00 +0200')).toBe('2026-05-26');
    expect(findReturnDate('Ik ben vanaf 3.1 weer bereikbaar.', sent, 'Tue, 12 May 2026 11:00:00 +0200')).toBe('2027-01-03');
  });
  it('first-person return verbs in Spanish and Italian', () => {
    expect(findReturnDate('Estoy de viaje, vuelvo el 20 de mayo.', sent)).toBe('2026-05-20');
    expect(findReturnDate('Sono in viaggio, torno il 21 maggio.', sent)).toBe('2026-05-21');
  });
});

describe('help-desk acknowledgements', () => {
  it("a ticket system's header with receipt words is automatic, even without RFC 3834 headers", async () => {
    const raw = ['From: Desk <help@globex.example>', 'To: sam@lumina.test', 'Subject: Re: Quick question', 'Date: Tue, 12 May 2026 09:00:00 +0000', 'X-Zendesk-From-Account-Id: 77', 'Precedence: bulk', '', 'This is an automated reply: an agent will answer your request soon.', ''].join('\r\n');
    expect(await classifyInbound(raw)).toMatchObject({ kind: 'auto_reply', meaning: 'auto_reply' });
  });
});
