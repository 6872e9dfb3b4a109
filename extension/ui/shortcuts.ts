/**
 * The Glow's keyboard shortcuts: Alt+Shift+<letter>, which neither Gmail (single keys,
 * Ctrl/⌘+Enter, Ctrl+Shift+C/B) nor Chrome uses. Matched on the physical key (`code`),
 * because on a Mac Option+Shift+<letter> types a symbol as `key`. They work while the focus
 * is in the compose or in the panel; the panel lists them in these words.
 */
export type ShortcutAction = 'rewrite' | 'accept' | 'reject' | 'fold' | 'send';

export const GLOW_SHORTCUTS: ReadonlyArray<{ action: ShortcutAction; letter: string; words: string }> = [
  { action: 'rewrite', letter: 'R', words: 'Rewrite' },
  { action: 'accept', letter: 'A', words: 'Accept (or ask again)' },
  { action: 'reject', letter: 'X', words: 'Reject' },
  { action: 'fold', letter: 'L', words: 'Fold or open the panel' },
  { action: 'send', letter: 'S', words: 'Send with Lumina' },
];

/** The chord a rep presses, as the panel shows it. */
export const chordOf = (letter: string) => `Alt+Shift+${letter}`;

/** The Glow action a key press asks for, if it is one of ours. */
export function shortcutOf(e: Pick<KeyboardEvent, 'code' | 'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey'>): ShortcutAction | undefined {
  if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return undefined;
  const letter = /^Key([A-Z])$/.exec(e.code)?.[1];
  return GLOW_SHORTCUTS.find((s) => s.letter === letter)?.action;
}
