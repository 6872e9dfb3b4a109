import { diffWordsWithSpace } from 'diff';

/**
 * Three-way merge of two edits of the same text, word by word, spaces included so offsets are exact (the `diff` library finds
 * each side's changes against the common base). Clean only when the two sides changed
 * different places: then both changes are kept. When they touch the same words there is
 * no merge — Lumina never picks a side for the rep.
 */
export type MergeResult = { ok: true; text: string } | { ok: false };

interface Edit {
  /** Range of the base the edit replaces, [start, end). */
  start: number;
  end: number;
  text: string;
}

/** The edits that turn `base` into `next`, in base coordinates. */
function editsOf(base: string, next: string): Edit[] {
  const edits: Edit[] = [];
  let at = 0;
  let open: Edit | undefined;
  for (const part of diffWordsWithSpace(base, next)) {
    if (part.removed) {
      open ??= { start: at, end: at, text: '' };
      at += part.value.length;
      open.end = at;
    } else if (part.added) {
      open ??= { start: at, end: at, text: '' };
      open.text += part.value;
    } else {
      if (open) edits.push(open);
      open = undefined;
      at += part.value.length;
    }
  }
  if (open) edits.push(open);
  return edits;
}

/** Two edits clash when their ranges overlap or meet (an insertion at the other's edge is ambiguous). */
const clash = (a: Edit, b: Edit) => a.start <= b.end && b.start <= a.end;
const same = (a: Edit, b: Edit) => a.start === b.start && a.end === b.end && a.text === b.text;

export function threeWayMerge(base: string, ours: string, theirs: string): MergeResult {
  if (ours === base) return { ok: true, text: theirs };
  if (theirs === base || theirs === ours) return { ok: true, text: ours };
  const mine = editsOf(base, ours);
  const other = editsOf(base, theirs).filter((e) => !mine.some((m) => same(m, e)));
  if (other.some((o) => mine.some((m) => clash(m, o)))) return { ok: false };
  const all = [...mine, ...other].sort((a, b) => b.start - a.start);
  let text = base;
  for (const e of all) text = text.slice(0, e.start) + e.text + text.slice(e.end);
  return { ok: true, text };
}
