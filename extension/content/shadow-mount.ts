import styles from '../ui/styles.css?inline';
import { followPageTheme } from './page-theme';

/**
 * A host element with an open shadow root holding Lumina's stylesheet and a React root
 * container: Gmail's CSS and ours never mix. Open (not closed) so tests can pierce it.
 * Its colours follow Gmail's theme (page-theme.ts).
 */
export function createShadowContainer(attrs: Record<string, string>): { host: HTMLElement; container: HTMLElement } {
  const host = document.createElement('lumina-root');
  for (const [k, v] of Object.entries(attrs)) host.setAttribute(k, v);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = styles;
  const container = document.createElement('div');
  container.className = 'lumina';
  shadow.append(style, container);
  // Light or dark with Gmail's theme: every panel, sidebar and toast is mounted through here.
  followPageTheme(container);
  return { host, container };
}
