import { compile } from 'html-to-text';

/**
 * HTML to readable text for the API (the MIME text part, inbound reply bodies), through
 * html-to-text. Images are always skipped (the open pixel). The extension does not load
 * this: the scorer and the compose use the dependency-free `htmlToPlain` (html-plain.ts,
 * the text the rep sees, no word wrap), which keeps the content bundle small.
 */
export function htmlToText(html: string, { wordwrap = false, linkTargets = true }: { wordwrap?: number | false; linkTargets?: boolean } = {}): string {
  return converter(wordwrap, linkTargets)(html);
}

// Compiled once per option set: `convert` would rebuild its selector tree for every message.
const converters = new Map<string, (html: string) => string>();
function converter(wordwrap: number | false, linkTargets: boolean) {
  const key = `${wordwrap}:${linkTargets}`;
  let fn = converters.get(key);
  if (!fn) {
    const selectors = [{ selector: 'img', format: 'skip' }, ...(linkTargets ? [] : [{ selector: 'a', options: { ignoreHref: true } }])];
    fn = compile({ wordwrap, selectors });
    converters.set(key, fn);
  }
  return fn;
}
