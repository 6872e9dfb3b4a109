import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Outgoing requests to addresses someone else chose (webhooks): outside embedded mode they
 * may not reach loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT,
 * multicast or reserved ranges — checked on the address the name actually resolves to, at
 * connect time (so DNS rebinding cannot slip past a check made earlier), with IPv4-mapped
 * IPv6 and the odd spellings (`2130706433`, `0x7f.1`) normalised by the URL parser first.
 * Redirects are never followed, so a 3xx cannot lead anywhere either.
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96], ['100::', 64]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}

/** Is this IP (v4 or v6, IPv4-mapped included) one an outside-chosen request must not reach? */
export function isBlockedAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1] ?? hexMapped(bare);
  if (mapped) return blocked.check(mapped, 'ipv4');
  return blocked.check(bare, 'ipv6');
}

/** A `lookup` for net/http that resolves as usual and refuses a blocked answer. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 4);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isBlockedAddress(a.address));
    if (bad || list.length === 0) return callback(new BlockedAddressError(`${hostname} resolves to a private or reserved address`), '', 4);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** Refuses a URL whose host is a blocked IP literal or `localhost` (names are checked at connect). */
export function assertPublicUrl(raw: string): URL {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isBlockedAddress(host))) {
    throw new BlockedAddressError(`${url.hostname} is a private, loopback or reserved address`);
  }
  return url;
}

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

/** POSTs a body without following redirects; `allowPrivate` lifts the address rule (embedded mode, WEBHOOK_ALLOW_PRIVATE). */
export async function postOutbound(raw: string, init: { headers: Record<string, string>; body: string; timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  const url = init.allowPrivate ? new URL(raw) : assertPublicUrl(raw);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { ...init.headers, 'content-length': Buffer.byteLength(init.body) }, timeout: init.timeoutMs, ...(init.allowPrivate ? {} : { lookup: publicOnlyLookup }) },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

function hexMapped(v6: string): string | undefined {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(v6);
  if (!m) return undefined;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * At creation: refuse a target that is, or now resolves to, a blocked address, so a bad
 * webhook is a 400 to its author rather than a silent failure later. A name that does not
 * resolve yet is accepted; every delivery checks again where it connects.
 */
export async function assertPublicTarget(raw: string): Promise<void> {
  const url = assertPublicUrl(raw);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return;
  const addresses = await new Promise<LookupAddress[]>((resolve) => dnsLookup(host, { all: true }, (err, list) => resolve(err ? [] : list)));
  if (addresses.some((a) => isBlockedAddress(a.address))) throw new BlockedAddressError(`${host} resolves to a private or reserved address`);
}
