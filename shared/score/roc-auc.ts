/**
 * Area under the ROC curve of a score that should rank positives above negatives: the chance
 * that a random positive scores higher than a random negative, ties counting half
 * (Mann–Whitney U / (n₊·n₋)). 1 is a perfect ranking, 0.5 is chance. Sorts once: O(n log n).
 */
export function rocAuc(samples: ReadonlyArray<{ score: number; positive: boolean }>): number {
  const positives = samples.filter((s) => s.positive).length;
  const negatives = samples.length - positives;
  if (positives === 0 || negatives === 0) throw new Error('ROC AUC needs at least one positive and one negative');
  const sorted = [...samples].sort((a, b) => a.score - b.score);
  // Sum of the positives' ranks, tied scores sharing their average rank.
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j]!.score === sorted[i]!.score) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (sorted[k]!.positive) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
