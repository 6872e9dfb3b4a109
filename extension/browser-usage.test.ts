import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('.', import.meta.url).pathname;

/**
 * Extension code reaches the WebExtension APIs through `browser` from ./browser.ts (the
 * webextension-polyfill). A raw `chrome.*` call is allowed only where the polyfill has no
 * equivalent, on a line that says so with a `chrome-only:` comment.
 */
describe('extension code uses webextension-polyfill, not raw chrome.*', () => {
  it('has no chrome.* use outside comments, except lines marked chrome-only', () => {
    const offenders = sourceFiles(root).flatMap((file) =>
      codeLines(readFileSync(file, 'utf8'))
        .filter(({ code, raw }) => /\bchrome\.[A-Za-z]/.test(code) && !raw.includes('chrome-only:'))
        .map(({ n, raw }) => `${relative(root, file)}:${n}: ${raw.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it('gets `browser` from webextension-polyfill in one module', () => {
    const importers = sourceFiles(root).filter((f) => /from 'webextension-polyfill'/.test(readFileSync(f, 'utf8')));
    expect(importers.map((f) => relative(root, f))).toEqual(['browser.ts']);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each line with its comments blanked (block comments keep their line breaks). */
function codeLines(text: string) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).split('\n');
  return text.split('\n').map((raw, i) => ({ n: i + 1, raw, code: code[i].replace(/\/\/.*$/, '') }));
}
