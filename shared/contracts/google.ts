import { z } from 'zod';

export const gmailModeSchema = z.enum(['light', 'full']);

const redirectTarget = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * `GET /api/auth/google/start`: where to come back to, and which scopes to ask for. `mode`
 * is a choice: an admin's becomes the workspace's mode; without it the sign-in follows the
 * workspace's mode (light first, then a second consent for gmail.readonly when it is full).
 */
export const googleStartQuery = z
  .object({
    mode: gmailModeSchema.optional(),
    /** Allow-listed page (or the extension's `https://<id>.chromiumapp.org/` URL) that receives `#token=…`; none → a small HTML page. */
    redirect: redirectTarget.optional(),
    /** The same as `redirect`, under OAuth's own name (accepted too; the extension sends `redirect`). */
    redirect_uri: redirectTarget.optional(),
  })
  .transform(({ redirect_uri, ...q }) => ({ ...q, redirect: q.redirect ?? redirect_uri }));

/** What Google sends back to `GET /api/auth/google/callback`. */
export const googleCallbackQuery = z.object({
  state: z.string().min(1).max(4000),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
  scope: z.string().max(2000).optional(),
});
