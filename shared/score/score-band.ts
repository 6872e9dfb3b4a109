/**
 * What a score means, in words a rep reads at a glance; each band has its own colour in
 * the panel. The bounds match the scorer: a blocking error caps the score at 49, so a draft
 * that must not go out is always "Needs work".
 */
export type ScoreBand = { id: 'needs-work' | 'fair' | 'good' | 'great'; label: string };

export function scoreBand(score: number): ScoreBand {
  if (score >= 85) return { id: 'great', label: 'Great' };
  if (score >= 70) return { id: 'good', label: 'Good' };
  if (score >= 50) return { id: 'fair', label: 'Fair' };
  return { id: 'needs-work', label: 'Needs work' };
}
