/** What a panel says for an error: the API's own message, or plainly that the feature is not there yet. */
export function describeError(error: { code: string; message: string }): string {
  if (error.code === 'NOT_AVAILABLE') return 'Not available yet on this Lumina server.';
  if (error.code === 'UNAUTHORIZED') return 'Sign in from Lumina’s options page.';
  if (error.code === 'AI_NOT_CONFIGURED') return 'AI is not configured on this Lumina server — the score still works.';
  if (error.code === 'NO_ANSWER') return 'Lumina’s background service did not answer: reload the extension (chrome://extensions) and try again.';
  return error.message;
}
