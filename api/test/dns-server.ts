import dns2 from 'dns2';

export type Zone = Record<string, Partial<{ TXT: string[][]; MX: Array<{ exchange: string; priority: number }>; A: string[]; CNAME: string }>>;

/**
 * A real DNS server on a UDP port of 127.0.0.1 (the `dns2` package), answering from a zone the
 * test can change; a name listed in `fail` answers SERVFAIL, one in `silent` never answers (a
 * timeout); `delayMs` delays every answer. `asked` logs every question (`name TYPE`). Point
 * DNS_SERVERS at `server`.
 */
export async function startDnsServer(zone: Zone, fail = new Set<string>(), silent = new Set<string>(), options: { delayMs?: number } = {}) {
  const asked: string[] = [];
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle: (request, reply) => {
      // A delay stands in for a resolver on the internet (a benchmark's cold lookups).
      const send = (options.delayMs ? (r: Parameters<typeof reply>[0]) => void setTimeout(() => void reply(r), options.delayMs) : reply) as typeof reply;
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      const name = q!.name.toLowerCase();
      asked.push(`${name} ${Object.entries(Packet.TYPE).find(([, v]) => v === q!.type)?.[0] ?? q!.type}`);
      if (silent.has(name)) return;
      if (fail.has(name)) {
        response.header.rcode = 2; // SERVFAIL
        send(response);
        return;
      }
      const entry = zone[name];
      const base = { name: q!.name, class: Packet.CLASS.IN, ttl: 60 };
      // @types/dns2 lags the package: the encoder takes plain records (it adds no toBuffer of its own).
      const answer = (record: Record<string, unknown>) => response.answers.push(record as unknown as (typeof response.answers)[number]);
      if (!entry) response.header.rcode = 3; // NXDOMAIN
      else if (q!.type === Packet.TYPE.TXT) for (const data of entry.TXT ?? []) answer({ ...base, type: Packet.TYPE.TXT, data });
      else if (q!.type === Packet.TYPE.MX) for (const mx of entry.MX ?? []) answer({ ...base, type: Packet.TYPE.MX, ...mx });
      else if (q!.type === Packet.TYPE.A) for (const address of entry.A ?? []) answer({ ...base, type: Packet.TYPE.A, address });
      else if (q!.type === Packet.TYPE.CNAME && entry.CNAME) answer({ ...base, type: Packet.TYPE.CNAME, domain: entry.CNAME });
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const { port } = server.addresses().udp as { port: number };
  return { server: `127.0.0.1:${port}`, zone, fail, silent, asked, close: () => server.close() };
}
