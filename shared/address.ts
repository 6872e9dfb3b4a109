/** How an email address is compared and stored (suppressions, prospects, sends): trimmed, lower-case. */
export const normalizeAddress = (email: string) => email.trim().toLowerCase();
