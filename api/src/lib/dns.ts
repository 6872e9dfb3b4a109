import { Resolver } from 'node:dns/promises';

/** What the DNS checks need: node's resolver, or one pointed at other servers (DNS_SERVERS; a test's local server). */
export type DnsResolver = Pick<Resolver, 'resolveTxt' | 'resolveMx' | 'resolve4' | 'resolve6' | 'resolveCname'>;

const cache = new Map<string, DnsResolver>();

/** A resolver on the given servers (`ip` or `ip:port`), or the system's when the list is empty; short timeouts, a request waits on it. */
export function resolverFor(servers: string[]): DnsResolver {
  const key = servers.join(',');
  let r = cache.get(key);
  if (!r) {
    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    if (servers.length) resolver.setServers(servers);
    cache.set(key, (r = resolver));
  }
  return r;
}

export type Lookup<T> = { found: T } | { missing: true } | { error: string };

/** A lookup that says "no such record" apart from "could not ask" (timeouts, refused, server failure). */
export async function lookup<T>(ask: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { found: await ask() };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA' || code === 'NOTFOUND' || code === 'NODATA') return { missing: true };
    return { error: code ?? String(err) };
  }
}
