import { and, eq, ne, sql } from 'drizzle-orm';
import type { Deps, SessionInfo } from '../../context';
import type { Config } from '../../env';
import { workspaces } from '../../../../db/schema';
import { ApiError } from '../../lib/api-error';
import { hmac } from '../../lib/crypto';
import { lookup, resolverFor, type DnsResolver } from '../../lib/dns';
import { recordAudit } from '../admin/audit';
import type { TrackingDomainResponse } from '../../../../shared/contracts/tracking-domain';

/**
 * A workspace's own tracking domain (a shared tracking host is a known spam-folder cause):
 * its pixel, click and unsubscribe links use it instead of PUBLIC_URL. The domain must point
 * at this server — a CNAME to PUBLIC_URL's host, or a TXT proof at `_lumina.<domain>` for
 * someone who fronts it with a proxy of their own. Tokens stay signed with TRACKING_SECRET, and
 * a link reached on one workspace's domain with another workspace's token is refused.
 */
const TTL_MS = 30_000;
// Per database (a process serves one; tests open many), so one runtime's cache never answers for another.
const caches = new WeakMap<object, { ofWorkspace: Map<string, { base: string; at: number }>; ofHost: Map<string, { workspaceId: string | null; at: number }> }>();
const cacheOf = (db: object) => {
  let c = caches.get(db);
  if (!c) caches.set(db, (c = { ofWorkspace: new Map(), ofHost: new Map() }));
  return c;
};

const publicHost = (config: Pick<Config, 'publicUrl'>) => new URL(config.publicUrl).hostname.toLowerCase();
const txtName = (domain: string) => `_lumina.${domain}`;
const txtValue = (config: Pick<Config, 'trackingSecret'>, workspaceId: string) =>
  `lumina-verify=${hmac(`tracking-domain:${config.trackingSecret}`, workspaceId).toString('base64url').slice(0, 32)}`;

export function trackingDomainOf(settings: Record<string, unknown> | undefined): string | null {
  return typeof settings?.trackingDomain === 'string' ? settings.trackingDomain : null;
}

/** Does the domain point at us? What it found either way, to say so when it does not. */
export async function checkTrackingDomain(r: DnsResolver, config: Pick<Config, 'publicUrl' | 'trackingSecret'>, workspaceId: string, domain: string) {
  const [cname, txt] = await Promise.all([lookup(() => r.resolveCname(domain)), lookup(async () => (await r.resolveTxt(txtName(domain))).map((p) => p.join('')))]);
  const target = publicHost(config);
  const cnames = 'found' in cname ? cname.found.map((c) => c.replace(/\.$/, '').toLowerCase()) : [];
  const txts = 'found' in txt ? txt.found : [];
  const ok = cnames.includes(target) || txts.includes(txtValue(config, workspaceId));
  return { ok, cnames, txts, error: 'error' in cname ? cname.error : 'error' in txt ? txt.error : undefined };
}

export async function getTrackingDomain(deps: Pick<Deps, 'db' | 'config'>, workspaceId: string): Promise<TrackingDomainResponse> {
  const [ws] = await deps.db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const domain = trackingDomainOf(ws?.settings);
  return { domain, cnameTarget: publicHost(deps.config), txt: { name: txtName(domain ?? '<your domain>'), value: txtValue(deps.config, workspaceId) } };
}

/** Sets (after the DNS check) or clears the workspace's tracking domain; audited before → after. */
export async function setTrackingDomain(deps: Pick<Deps, 'db' | 'config'>, actor: SessionInfo, domain: string | null, resolver = resolverFor(deps.config.dnsServers)): Promise<TrackingDomainResponse> {
  if (domain) {
    if (domain === publicHost(deps.config)) throw new ApiError('VALIDATION_ERROR', 'That is this server’s own host; name a domain of yours');
    const [taken] = await deps.db
      .select({ id: workspaces.id })
      .from(workspaces)
      .where(and(sql`${workspaces.settings}->>'trackingDomain' = ${domain}`, ne(workspaces.id, actor.workspaceId)));
    if (taken) throw new ApiError('CONFLICT', `${domain} is already another workspace's tracking domain`);
    const found = await checkTrackingDomain(resolver, deps.config, actor.workspaceId, domain);
    if (!found.ok) {
      const saw = found.cnames.length ? `its CNAME points to ${found.cnames.join(', ')}` : found.error ? `the lookup failed (${found.error})` : 'it has no CNAME record';
      throw new ApiError('UNPROCESSABLE', `${domain} does not point at Lumina: ${saw}. Add a CNAME to ${publicHost(deps.config)}, or a TXT record at ${txtName(domain)} with ${txtValue(deps.config, actor.workspaceId)}.`, {
        cnames: found.cnames, txt: found.txts, expected: { cname: publicHost(deps.config), txt: { name: txtName(domain), value: txtValue(deps.config, actor.workspaceId) } },
      });
    }
  }
  await deps.db.transaction(async (tx) => {
    const [ws] = await tx.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, actor.workspaceId)).for('update');
    const before = trackingDomainOf(ws?.settings);
    await tx.update(workspaces).set({ settings: sql`${workspaces.settings} || ${JSON.stringify({ trackingDomain: domain })}::jsonb` }).where(eq(workspaces.id, actor.workspaceId));
    if (before !== domain) await recordAudit(tx, { workspaceId: actor.workspaceId, actorId: actor.userId, action: 'settings.changed', target: 'trackingDomain', data: { before, after: domain } });
    if (before) cacheOf(deps.db).ofHost.delete(before);
  });
  cacheOf(deps.db).ofWorkspace.delete(actor.workspaceId);
  if (domain) cacheOf(deps.db).ofHost.delete(domain);
  return getTrackingDomain(deps, actor.workspaceId);
}

/** Base of a workspace's tracking links: its domain (same scheme as PUBLIC_URL) or PUBLIC_URL. Cached briefly: it is read per send. */
export async function trackingBase(deps: Pick<Deps, 'db' | 'config'>, workspaceId: string, now = Date.now()): Promise<string> {
  const { ofWorkspace } = cacheOf(deps.db);
  const hit = ofWorkspace.get(workspaceId);
  if (hit && now - hit.at < TTL_MS) return hit.base;
  const [ws] = await deps.db.select({ settings: workspaces.settings }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const domain = trackingDomainOf(ws?.settings);
  const base = domain ? `${new URL(deps.config.publicUrl).protocol}//${domain}` : deps.config.publicUrl;
  ofWorkspace.set(workspaceId, { base, at: now });
  return base;
}

/** The workspace whose tracking domain this host is; null for PUBLIC_URL's host or any other. */
export async function workspaceOfHost(deps: Pick<Deps, 'db' | 'config'>, host: string, now = Date.now()): Promise<string | null> {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  if (!name || name === publicHost(deps.config)) return null;
  const { ofHost } = cacheOf(deps.db);
  const hit = ofHost.get(name);
  if (hit && now - hit.at < TTL_MS) return hit.workspaceId;
  const [ws] = await deps.db.select({ id: workspaces.id }).from(workspaces).where(sql`${workspaces.settings}->>'trackingDomain' = ${name}`);
  ofHost.set(name, { workspaceId: ws?.id ?? null, at: now });
  return ws?.id ?? null;
}
