import type { ScoreSignal } from '../contracts/ai';

/** The six headings the Glow panel groups the score's signals under (issue 16), in reading order. */
export const SIGNAL_CATEGORIES = [
  { id: 'length', label: 'Length' },
  { id: 'personalization', label: 'Personalization' },
  { id: 'clarity', label: 'Clarity' },
  { id: 'cta', label: 'Call to action' },
  { id: 'deliverability', label: 'Deliverability' },
  { id: 'tone', label: 'Tone' },
] as const;
export type SignalCategory = (typeof SIGNAL_CATEGORIES)[number]['id'];

const BY_ID: Record<string, SignalCategory> = {
  'word-count': 'length',
  'subject-length': 'length',
  personalization: 'personalization',
  variables: 'personalization',
  'reading-grade': 'clarity',
  'paragraph-length': 'clarity',
  cta: 'cta',
  'spam-phrase': 'deliverability',
  links: 'deliverability',
  images: 'deliverability',
  'size-clip': 'deliverability',
  unsubscribe: 'deliverability',
  exclamation: 'tone',
  'all-caps': 'tone',
  'you-focus': 'tone',
};

/** A signal's heading: by the first part of its id (`personalization.name` → personalization); the AI review's and unknown ones read as clarity. */
export function signalCategory(signal: Pick<ScoreSignal, 'id'>): SignalCategory {
  return BY_ID[signal.id] ?? BY_ID[signal.id.split('.')[0]!] ?? 'clarity';
}

export interface SignalGroups {
  /** Blocking errors and the cap they put on the score: shown before every heading. */
  fixFirst: ScoreSignal[];
  /** Every heading in order, with what costs points under it (empty: nothing to fix there). */
  groups: Array<{ id: SignalCategory; label: string; signals: ScoreSignal[] }>;
  /** Headings that were checked and cost nothing (personalization without a prospect was not checked, so it is not "fine"). */
  fine: Array<{ id: SignalCategory; label: string }>;
}

/** Splits the signals that cost points into "fix first" and the six headings; info signals (what is fine) are left out. */
export function groupSignals(signals: ScoreSignal[]): SignalGroups {
  const costly = signals.filter((s) => s.impact > 0 || s.severity === 'error');
  const fixFirst = costly.filter((s) => s.severity === 'error');
  const rest = costly.filter((s) => s.severity !== 'error');
  const checked = signals.filter((s) => s.impact === 0 && s.severity !== 'error' && s.id !== 'personalization');
  return {
    fixFirst,
    groups: SIGNAL_CATEGORIES.map((c) => ({ ...c, signals: rest.filter((s) => signalCategory(s) === c.id).sort((a, b) => b.impact - a.impact) })),
    fine: SIGNAL_CATEGORIES.filter((c) => !costly.some((s) => signalCategory(s) === c.id) && checked.some((s) => signalCategory(s) === c.id)).map(({ id, label }) => ({ id, label })),
  };
}
