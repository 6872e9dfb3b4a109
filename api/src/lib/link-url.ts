/**
 * The one definition of a trackable link target, used when the MIME is built and again
 * at the redirect: an absolute http(s) URL, normalised the way browsers read an href
 * (tabs, CR and LF dropped, per the WHATWG URL parser), with no control character left.
 * Anything else is not wrapped at build time and is never redirected to.
 */
export function trackableUrl(href: string | undefined): string | undefined {
  if (!href) return undefined;
  const cleaned = href.replace(/[\t\r\n]/g, '').trim();
  if (!/^https?:\/\//i.test(cleaned)) return undefined;
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(url.href)) return undefined;
  return url.href;
}
