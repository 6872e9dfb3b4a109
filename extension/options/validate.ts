import { z } from 'zod';

/** What is wrong with the e-mail field, in words; undefined when it is a valid address. */
export function emailProblem(email: string): string | undefined {
  const e = email.trim();
  if (!e) return 'Enter your work e-mail address to sign in.';
  if (e.length > 320 || !z.email().safeParse(e).success) return `“${e}” is not an e-mail address: it needs a name, an @ and a domain, like rita@acme.com.`;
  return undefined;
}

/** What is wrong with the API URL field, in words. */
export function apiUrlProblem(url: string): string | undefined {
  if (!url.trim()) return 'Enter the address of your Lumina server, like http://127.0.0.1:8787.';
  if (!/^https?:\/\//i.test(url.trim()) || !z.url().safeParse(url.trim()).success) return `“${url.trim()}” is not a web address: it starts with http:// or https://, like http://127.0.0.1:8787.`;
  return undefined;
}
