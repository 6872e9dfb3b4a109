import * as chrono from 'chrono-node';
import type { ReplyMeaning } from '../../../../../shared/contracts/replies';

export interface Meaning {
  meaning: ReplyMeaning;
  referral?: { name?: string; email?: string };
  /** not_now: the day the person asked to be contacted again (YYYY-MM-DD), when they said. */
  followUpDate?: string;
}

/**
 * What a person's own words (quoted history and signature already removed) ask the rep to do.
 * Phrase families, checked in order: a referral names someone else, "not now" defers, an
 * objection refuses or pushes back, interest asks for the next step. Anything else is `other`
 * (and is what the AI classifier, when configured, is asked about).
 */
export function replyMeaning(own: string, sentAt: Date | null): Meaning {
  const text = own.replace(/\s+/g, ' ').trim();
  if (REFERRAL.test(text)) return { meaning: 'referral', referral: referredPerson(own) };
  if (NOT_NOW.test(text)) {
    const when = chrono.en.casual.parseDate(text, sentAt ?? new Date(), { forwardDate: true });
    return when ? { meaning: 'not_now', followUpDate: when.toISOString().slice(0, 10) } : { meaning: 'not_now' };
  }
  if (OBJECTION.test(text)) return { meaning: 'objection' };
  if (INTERESTED.test(text)) return { meaning: 'interested' };
  return { meaning: 'other' };
}

/** Another person is the right contact ("reach out to Jane Doe, jane@acme.com"). */
const REFERRAL = /\b(reach out to|contact|speak (to|with)|talk to|get in touch with|loop(ing)? in|cc'?(ing|ed)?|forward(ed|ing)? (this|you) to|you (should|want to|might want to) (talk|speak) (to|with)|the (right|best) person (is|would be)|(is|are) (the )?(right|best) (person|contact)|handles? (this|that|these)|in charge of|responsible for)\b.{0,80}([\w.+-]+@[\w-]+\.[\w.-]+|\b[A-Z][a-z]+ [A-Z][a-z]+\b)|\bi'?m not the (right|best) (person|contact)\b|\bno longer (with|at|works? (at|for))\b/i;
/** A deferral, often with a time ("ping me in Q3", "after the holidays"). */
const NOT_NOW = /\b(not (right )?now|not at (this|the moment)|bad time|(circle|check|follow|touch) (back|up|base)( with me)? (in|next|after|later)|(reach|ping|contact) (me|us) (again )?(in|next|after|later)|(try|ask) (me|us)? ?again (in|next|after|later)|maybe (later|next (year|quarter|month))|revisit (this )?(in|next|later)|next (quarter|year)|in q[1-4]|after the (holidays|summer|new year)|no budget (until|before|this)|timing (is|isn'?t) (not )?(right|great|ideal))\b/i;
/** A refusal or push-back. */
const OBJECTION = /\b(not interested|no thanks|no,? thank you|we('re| are) (happy|good|all set|set) with|already (use|have|work with)|too (expensive|pricey)|no (budget|need)|don'?t need|doesn'?t (fit|make sense)|not a (fit|priority)|we('ll| will) pass|pass on this|not for us|we('re| are) covered)\b/i;
/** Asks for the next step. */
const INTERESTED = /\b(interested|sounds (good|great|interesting)|let'?s (talk|chat|meet|set up|schedule|do it)|(book|schedule|set up) (a )?(call|meeting|time|demo)|send (me|over|us) (the |more |some )?(info|details|deck|pricing|proposal)|tell me more|happy to (chat|talk|meet)|(works|work) for me|free (on|at|next)|what (times|time) (work|suit)|calendar link|love to (learn|hear|see))\b/i;

function referredPerson(own: string): { name?: string; email?: string } {
  const email = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(own)?.[0]?.toLowerCase();
  const name = /\b(?:reach out to|contact|speak (?:to|with)|talk to|get in touch with|loop(?:ing)? in|forward(?:ed|ing)? (?:this|you) to|person is|would be)\s+([A-Z][a-z]+(?: [A-Z][a-z'-]+)+)/.exec(own)?.[1];
  return { ...(name ? { name } : {}), ...(email ? { email } : {}) };
}
