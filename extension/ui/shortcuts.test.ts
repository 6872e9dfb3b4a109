import { describe, expect, it } from 'vitest';
import { GLOW_SHORTCUTS, shortcutOf } from './shortcuts';

const press = (code: string, mods: Partial<Record<'altKey' | 'shiftKey' | 'ctrlKey' | 'metaKey', boolean>>) =>
  shortcutOf({ code, altKey: false, shiftKey: false, ctrlKey: false, metaKey: false, ...mods });

describe('Glow shortcuts', () => {
  it('maps Alt+Shift+<letter> by physical key, whatever the key types', () => {
    expect(press('KeyA', { altKey: true, shiftKey: true })).toBe('accept');
    expect(press('KeyL', { altKey: true, shiftKey: true })).toBe('fold');
    expect(press('KeyS', { altKey: true, shiftKey: true })).toBe('send');
  });
  it('leaves every other chord to Gmail and the browser', () => {
    expect(press('KeyA', { altKey: true })).toBeUndefined();
    expect(press('KeyA', { shiftKey: true })).toBeUndefined();
    expect(press('KeyA', { altKey: true, shiftKey: true, ctrlKey: true })).toBeUndefined();
    expect(press('KeyQ', { altKey: true, shiftKey: true })).toBeUndefined();
    expect(press('Digit1', { altKey: true, shiftKey: true })).toBeUndefined();
  });
  it('gives each action its own letter', () => {
    expect(new Set(GLOW_SHORTCUTS.map((s) => s.letter)).size).toBe(GLOW_SHORTCUTS.length);
  });
});
