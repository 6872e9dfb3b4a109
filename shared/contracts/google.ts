import { z } from 'zod';

export const gmailModeSchema = z.enum(['light', 'full']);

/** `GET /api/auth/google/start`: where to come back to, and which scopes to ask for. */
export const googleStartQuery = z.object({
  mode: gmailModeSchema.default('light'),
  /** Allow-listed page (or the extension's `https://<id>.chromiumapp.org/` URL) that receives `#token=…`; none → a small HTML page. */
  redirect: z.url({ protocol: /^https?$/ }).max(2000).optional(),
});

/** What Google sends back to `GET /api/auth/google/callback`. */
export const googleCallbackQuery = z.object({
  state: z.string().min(1).max(4000),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
  scope: z.string().max(2000).optional(),
});
