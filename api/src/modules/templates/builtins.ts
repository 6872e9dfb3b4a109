import type { TemplateCategory } from '../../../../shared/contracts/templates';

/**
 * The built-in library: seeded once into every workspace (see seed.ts), then the workspace's
 * own rows to edit or delete. Every variable carries a fallback, so a builtin sends cleanly
 * to a prospect with nothing but an address; `custom.*` fields are the ones a rep is most
 * likely to import (trigger, event, pain point…). The Gmail signature signs them, so no
 * sign-off name is written here.
 *
 * `key` is the builtin's identity forever: renaming a template here never re-seeds it, and a
 * new key reaches existing workspaces on their next read.
 */
export interface BuiltinTemplate {
  key: string;
  name: string;
  category: TemplateCategory;
  subject: string;
  bodyHtml: string;
}

const p = (...paragraphs: string[]) => paragraphs.map((x) => `<p>${x}</p>`).join('');

export const BUILTIN_TEMPLATES: readonly BuiltinTemplate[] = [
  {
    key: 'cold-intro',
    name: 'Cold intro — short and direct',
    category: 'cold_outreach',
    subject: 'Quick question, {{firstName|there}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'I work with {{custom.peer_group|teams like yours}} who want {{custom.outcome|more replies from the same number of emails}}. Most of them were losing hours to {{custom.pain_point|writing and chasing follow-ups by hand}} before we met.',
      'Is that on your list at {{company|your company}} this quarter, or is it handled?',
      'Either answer helps.',
    ),
  },
  {
    key: 'value-first',
    name: 'Value first — a useful idea, no ask',
    category: 'cold_outreach',
    subject: 'An idea for {{company|your team}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'While looking at {{company|your team}} I noticed {{custom.observation|how much of your outreach goes out at the same hour}}. One change that usually helps: {{custom.idea|send in the recipient’s morning, not yours — reply rates tend to move within a week}}.',
      'No pitch attached. If it is useful and you want the rest of what we learned, reply and I will send it over.',
    ),
  },
  {
    key: 'trigger-event',
    name: 'Trigger event — congratulate, then connect',
    category: 'cold_outreach',
    subject: 'Congrats on {{custom.trigger|the news}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Saw {{custom.trigger|the recent news}} at {{company|your company}} — congratulations. Moments like this usually mean {{custom.consequence|more pipeline to cover with the same team}}.',
      'We help {{title|leaders}} in that spot {{custom.outcome|keep every conversation moving without adding headcount}}. Worth a 15-minute look while it is top of mind?',
    ),
  },
  {
    key: 'referral-ask',
    name: 'Referral ask — who owns this?',
    category: 'referral',
    subject: 'Who handles {{custom.topic|outbound}} at {{company|your company}}?',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'I am trying to reach whoever owns {{custom.topic|outbound email}} at {{company|your company}}. It may not be you — if so, could you point me to the right person?',
      'A name is plenty. Thank you in advance.',
    ),
  },
  {
    key: 'follow-up-1',
    name: 'Follow-up 1 — gentle bump',
    category: 'follow_up',
    subject: 'Re: Quick question, {{firstName|there}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Bringing this back to the top of your inbox in case it got buried. The short version: {{custom.outcome|more replies from the emails you already send}}.',
      'Is it worth a conversation, or should I check back another time?',
    ),
  },
  {
    key: 'follow-up-2',
    name: 'Follow-up 2 — new angle with proof',
    category: 'follow_up',
    subject: 'One number from {{custom.peer_company|a team like yours}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Rather than repeat myself, one result: {{custom.peer_company|a team of a similar size}} went from {{custom.before|2% to 6% reply rate}} in {{custom.timeframe|six weeks}}, mostly by {{custom.how|following up on the right day instead of every day}}.',
      'Happy to show you how that would look for {{company|your team}}. Does next week work?',
    ),
  },
  {
    key: 'follow-up-3',
    name: 'Follow-up 3 — one-line check-in',
    category: 'follow_up',
    subject: 'Worth a look, {{firstName|there}}?',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Just one line: is {{custom.pain_point|time spent on follow-ups}} something {{company|your team}} wants to fix this year — yes, no, or not now?',
    ),
  },
  {
    key: 'break-up',
    name: 'Break-up — close the loop politely',
    category: 'break_up',
    subject: 'Closing the loop',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'I have reached out a few times without hearing back, so I will assume the timing is not right and stop writing.',
      'If {{custom.topic|this}} becomes a priority later, reply to this email — it comes straight to me. Wishing you and {{company|the team}} a good quarter.',
    ),
  },
  {
    key: 'meeting-request',
    name: 'Meeting request — two concrete times',
    category: 'meeting',
    subject: '15 minutes on {{custom.day|Tuesday or Thursday}}?',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Could we take 15 minutes so I can show you {{custom.demo_focus|how reps here cut follow-up time in half}}? I will keep it to what matters for {{company|your team}}.',
      'Would {{custom.slot_one|Tuesday at 10:00}} or {{custom.slot_two|Thursday at 14:00}} your time work? If neither does, send a time that suits you and I will make it fit.',
    ),
  },
  {
    key: 'meeting-confirm',
    name: 'Meeting confirmation — agenda ahead',
    category: 'meeting',
    subject: 'Confirmed: {{custom.meeting_time|our call}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Looking forward to {{custom.meeting_time|our call}}. So it is worth your time, here is what I would like to cover:',
      '1. Where {{company|your team}} is today with {{custom.topic|outreach}}.<br>2. What good would look like in three months.<br>3. Whether we can help — and an honest no if we cannot.',
      'Anything you would like to add or someone else who should join?',
    ),
  },
  {
    key: 're-engagement',
    name: 'Re-engagement — picking up an old thread',
    category: 're_engagement',
    subject: 'Picking this back up, {{firstName|there}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'We spoke {{custom.last_contact|a while ago}} about {{custom.topic|your outreach}}, and the timing was not right then. A few things have changed on our side since — {{custom.whats_new|most notably, sequences now send in each recipient’s own time zone}}.',
      'Is it worth revisiting, or has {{company|your team}} solved it another way?',
    ),
  },
  {
    key: 'event-follow-up',
    name: 'Event follow-up — after we met',
    category: 'event',
    subject: 'Good to meet you at {{custom.event|the event}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Thanks for the conversation at {{custom.event|the event}}. You mentioned {{custom.discussed|that follow-ups are where deals stall}} — I have been thinking about it since.',
      'As promised, {{custom.promised|here is the short write-up of how other teams handle it}}. Shall we find 20 minutes to go through it for {{company|your team}}?',
    ),
  },
  {
    key: 'event-invite',
    name: 'Event invite — seat held',
    category: 'event',
    subject: 'A seat for you at {{custom.event|our session}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'We are hosting {{custom.event|a small session}} on {{custom.event_date|the 14th}} for {{custom.audience|sales leaders}} on {{custom.topic|what is working in outbound right now}}. No slides-for-an-hour; mostly peers comparing notes.',
      'I would be glad to hold a seat for you. Reply “yes” and I will send the details.',
    ),
  },
  {
    key: 'case-study',
    name: 'Case study — a peer’s result',
    category: 'social_proof',
    subject: 'How {{custom.peer_company|a similar team}} did it',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      '{{custom.peer_company|A team much like yours}} had the same problem you might have: {{custom.pain_point|good prospects, but replies dried up after the first email}}.',
      'In {{custom.timeframe|one quarter}} they {{custom.result|doubled booked meetings without sending more email}}. The short case study is two minutes of reading — want me to send it?',
    ),
  },
  {
    key: 'social-proof-logo',
    name: 'Social proof — teams you know',
    category: 'social_proof',
    subject: 'What {{custom.peers|teams in your space}} changed',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      '{{custom.peers|Several teams in your space}} use us for one thing above all: {{custom.outcome|making sure no reply and no follow-up falls through the cracks}}.',
      'If {{company|your team}} has the same goal, I can show you what they set up in 15 minutes.',
    ),
  },
  {
    key: 'objection-timing',
    name: 'Objection reply — “not the right time”',
    category: 'objection',
    subject: 'Re: timing',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Understood, and thank you for saying so rather than going quiet. So I do not write at a bad moment again: when would be a better time to look at this — {{custom.suggested_time|after the quarter closes}}?',
      'I will put a note in my calendar and leave you alone until then.',
    ),
  },
  {
    key: 'objection-have-vendor',
    name: 'Objection reply — “we already use someone”',
    category: 'objection',
    subject: 'Re: already covered',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Makes sense — most teams we talk to already have {{custom.competitor|a tool}} in place. We are not asking you to rip anything out.',
      'The teams who switch usually do so over one thing: {{custom.differentiator|sends that respect each recipient’s time zone and stop the moment someone replies}}. If that is ever a gap, I would be glad to compare notes.',
    ),
  },
  {
    key: 'objection-price',
    name: 'Objection reply — “too expensive”',
    category: 'objection',
    subject: 'Re: budget',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Fair point, and thanks for being direct. Rather than argue the price, could we look at the cost of doing nothing? {{custom.cost_of_inaction|If each rep loses five hours a week to manual follow-ups, that adds up fast}}.',
      'If the numbers do not work for {{company|your team}}, I will say so myself. Worth 15 minutes to check?',
    ),
  },
  {
    key: 'objection-send-info',
    name: 'Objection reply — “just send me some info”',
    category: 'objection',
    subject: 'Re: the info you asked for',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Happy to. So I send something you will actually read rather than a generic deck: is the priority {{custom.option_one|saving reps’ time}} or {{custom.option_two|getting more replies}}?',
      'One word back and I will send the two pages that matter for {{company|your team}}.',
    ),
  },
  {
    key: 'inbound-reply',
    name: 'Inbound lead — fast first reply',
    category: 'meeting',
    subject: 'Thanks for reaching out, {{firstName|there}}',
    bodyHtml: p(
      'Hi {{firstName|there}},',
      'Thanks for getting in touch about {{custom.topic|Lumina}}. To make the first call useful, what made you look at this now — {{custom.guess|a new target, a new team, or something that broke}}?',
      'In the meantime, here is my calendar: {{custom.calendar_link|reply with two times that suit you and I will confirm one}}.',
    ),
  },
];
