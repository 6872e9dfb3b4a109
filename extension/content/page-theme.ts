/**
 * Light or dark, as Gmail shows itself: Gmail's own theme wins (a rep can pick a dark Gmail on
 * a light system, or the reverse), read from the colour Gmail paints its page with; where that
 * says nothing (transparent, not loaded yet), the system's preference decides.
 */
export type Theme = 'light' | 'dark';

export function pageTheme(doc: Document = document): Theme {
  for (const el of [doc.body, doc.documentElement]) {
    if (!el) continue;
    const rgb = parseColour(getComputedStyle(el).backgroundColor);
    if (rgb) return luminance(rgb) < 0.4 ? 'dark' : 'light';
  }
  return doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Keeps `data-theme` on a Lumina container in step with the page: now, when the system theme
 * changes, and every few seconds (Gmail switches themes by swapping stylesheets, which fires no
 * event). One computed style read per tick. Returns a stop.
 */
export function followPageTheme(container: HTMLElement, doc: Document = document, everyMs = 2_000): () => void {
  const apply = () => {
    const theme = pageTheme(doc);
    if (container.dataset.theme !== theme) container.dataset.theme = theme;
  };
  apply();
  const media = doc.defaultView?.matchMedia?.('(prefers-color-scheme: dark)');
  media?.addEventListener('change', apply);
  // Mounted a moment after it is made (InboxSDK attaches the sidebar when it likes): stop once it has been on the page and left it.
  let seen = false;
  const timer = setInterval(() => {
    if (container.isConnected) {
      seen = true;
      apply();
    } else if (seen) stop();
  }, everyMs);
  const stop = () => {
    clearInterval(timer);
    media?.removeEventListener('change', apply);
  };
  return stop;
}

/** `rgb(r, g, b)` / `rgba(r, g, b, a)` as 0–255 channels; undefined when transparent or unreadable. */
export function parseColour(css: string): [number, number, number] | undefined {
  const m = css.match(/rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/);
  if (!m) return undefined;
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
  if (alpha < 0.5) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Relative luminance (WCAG), 0 black … 1 white. */
export function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
