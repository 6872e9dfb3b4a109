import { z } from 'zod';

/**
 * What this Lumina server offers, so the extension offers only that: AI buttons only with
 * a provider, "Sign in with Google" only with an OAuth client, sandbox sign-in only when on.
 * Public (asked before sign-in) and free of secrets: booleans and the variable to set.
 */
export const capabilitiesResponse = z.object({
  ai: z.object({ configured: z.boolean(), hint: z.string().nullable() }),
  googleSignIn: z.boolean(),
  sandboxLogin: z.boolean(),
});
export type Capabilities = z.infer<typeof capabilitiesResponse>;
