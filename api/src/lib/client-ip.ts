/**
 * The client's address. X-Forwarded-For is anyone's to write, so it is read only behind
 * proxies we were told about (TRUST_PROXY = hops): each trusted proxy appends the address it
 * saw, so the client is the entry `hops` from the right — never the left-most, which the
 * client itself may have sent.
 */
export function clientAddress(forwardedFor: string | undefined | null, socketAddress: string | null, trustProxyHops: number): string | null {
  if (trustProxyHops <= 0 || !forwardedFor) return socketAddress;
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
  return hops[Math.max(0, hops.length - trustProxyHops)] ?? socketAddress;
}
