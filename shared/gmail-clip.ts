/** Gmail hides everything past ~102 KB of message HTML behind "[Message clipped]" (the open pixel with it). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

/** The one warning a rep sees about the clip: in the scorer, the pre-send check and the send's 202. */
export function clipWarnings(htmlBytes: number): string[] {
  return htmlBytes > GMAIL_CLIP_BYTES ? [`${Math.round(htmlBytes / 1024)} KB: Gmail clips messages over 102 KB, hiding the end (and the tracking pixel).`] : [];
}
