import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client';
import type { Deps } from '../../context';
import { emailEvents, emails, selfViews } from '../../../../db/schema';
import { publishEvents } from '../webhooks/publish';
import { classifyClick, classifyOpen, thresholds, type Verdict } from './classify-activity';

/** What the pixel and the redirect know when they answer: no database involved. */
export interface RawHit {
  kind: 'open' | 'click';
  emailId: string;
  at: Date;
  userAgent: string | null;
  ip: string | null;
  method: string;
  linkIndex?: number;
  url?: string;
}

export type RecordedEvent = typeof emailEvents.$inferInsert & { workspaceId: string; emailId: string };

export interface EventRecorder {
  /** Buffers the hit and returns at once: the caller answers before any write. */
  record(hit: RawHit): void;
  /** Writes everything that is ready (clicks wait out the burst window unless `all`). */
  flush(all?: boolean): Promise<void>;
  /** Flushes everything and stops the timer; later hits are written at once by the next flush call. */
  close(): Promise<void>;
  pending(): number;
  /** Hits refused because the buffer was full (the database or Redis away for long): counted, logged. */
  dropped(): number;
}

export interface RecorderOptions {
  flushMs?: number;
  /** A buffer this long flushes without waiting for the timer. */
  maxBatch?: number;
  /**
   * The most hits held in memory while writes fail (database or Redis away). Past it new hits
   * are dropped and counted, so an outage costs bounded memory: ~300 bytes a hit, ~60 MB at
   * the default 200,000 (about 10 s of 20,000 opens a second).
   */
  maxBuffered?: number;
  /** Clicks are held this long so a burst over every link is seen whole before classifying. */
  clickHoldMs?: number;
  /**
   * Where a ready batch goes: `write` classifies and inserts it here; `queue` hands it to the
   * events queue, whose worker (any worker process) writes it. `recorderFor` picks `queue`
   * on BullMQ, so API processes answer hits and workers do the database work.
   */
  sink?: 'write' | 'queue';
}

type RecorderDeps = Pick<Deps, 'db' | 'logger' | 'queue'> & Partial<Pick<Deps, 'dbKind'>>;

/**
 * How long a hit waits in memory before its batch is written. Embedded (PGlite, one process)
 * writes every 25 ms: what a crash of that process loses is what it holds, and a small
 * in-process INSERT costs little there. On Postgres, 100 ms makes fewer, larger statements.
 */
const flushMsFor = (deps: RecorderDeps) => (deps.dbKind === 'pglite' ? 25 : 100);

export const EVENTS_QUEUE = 'events';
/** A batch that cannot be written now (database down) is retried for about eight minutes. */
const EVENTS_RETRY = { attempts: 10, backoffMs: 500 };

const recorders = new WeakMap<object, EventRecorder>();

/** The process-wide recorder of one runtime, created on first use. */
export function recorderFor(deps: RecorderDeps): EventRecorder {
  let r = recorders.get(deps);
  if (!r) {
    r = createEventRecorder(deps, { sink: deps.queue.driver === 'bullmq' ? 'queue' : 'write', flushMs: flushMsFor(deps) });
    recorders.set(deps, r);
  }
  return r;
}

/** Shutdown hook: nothing buffered is lost when the process stops. */
export async function closeEventRecorder(deps: RecorderDeps) {
  await recorders.get(deps)?.close();
}

export function createEventRecorder(deps: RecorderDeps, options: RecorderOptions = {}): EventRecorder {
  const { flushMs = 100, maxBatch = 2000, clickHoldMs = thresholds.burstMs + 100, sink = 'write', maxBuffered = 200_000 } = options;
  let buffer: RawHit[] = [];
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  let dropped = 0;
  // After a failed write the next try waits (doubling, up to 2 s) instead of hammering a
  // database that is away with one failing query per timer tick.
  let failures = 0;
  let retryAt = 0;

  const timer = setInterval(() => {
    if (buffer.length) void flush();
  }, flushMs);
  timer.unref();

  // At most one flush waits behind the write in flight: hits arriving meanwhile join its batch
  // (rather than each hit past maxBatch chaining a flush of its own that finds nothing to do).
  let waiting = false;
  function flush(all = closed): Promise<void> {
    if (!all && Date.now() < retryAt) return chain;
    if (waiting && !all) return chain;
    waiting = true;
    chain = chain
      .then(() => {
        waiting = false;
        return writeReady(all);
      })
      .catch((err) => deps.logger.error({ err }, 'event recorder flush failed'));
    return chain;
  }

  /**
   * Writes ready hits, CHUNK_ROWS at most per write, until the backlog is written. A write is one
   * INSERT statement (or one queued job), so one that fails has written nothing and its hits
   * go back into the buffer whole: no duplicates when a long outage's backlog is written.
   */
  async function writeReady(all: boolean) {
    for (;;) {
      const now = Date.now();
      const ready: RawHit[] = [];
      const held: RawHit[] = [];
      for (const hit of buffer) (ready.length < CHUNK_ROWS && (all || hit.kind === 'open' || now - hit.at.getTime() >= clickHoldMs) ? ready : held).push(hit);
      if (!ready.length) return;
      buffer = held;
      const heldClicks = held.filter((h) => h.kind === 'click');
      try {
        if (sink === 'queue') await deps.queue.enqueue(EVENTS_QUEUE, 'record', toBatch(ready, heldClicks), EVENTS_RETRY);
        else await writeHits(deps, ready, heldClicks);
      } catch (err) {
        // Put them back: a database or Redis hiccup delays events, it does not drop them.
        buffer = ready.concat(buffer);
        failures++;
        retryAt = Date.now() + Math.min(flushMs * 2 ** failures, 2000);
        throw err;
      }
      if (failures) deps.logger.info({ failures, dropped }, 'event recorder writing again');
      failures = 0;
      retryAt = 0;
      // Only a backlog (a full statement's worth was ready) is written on at once; hits that
      // arrived during this write wait for the next flush, so a steady stream makes one
      // write per flush interval rather than a tight loop of tiny ones.
      if (ready.length < CHUNK_ROWS) return;
    }
  }

  return {
    record(hit) {
      if (buffer.length >= maxBuffered) {
        if (dropped++ % 10_000 === 0) deps.logger.error({ dropped, maxBuffered }, 'event recorder buffer full: hits are being dropped until writes succeed');
        return;
      }
      buffer.push(hit);
      if (buffer.length >= maxBatch) void flush();
    },
    flush: (all = false) => flush(all || closed),
    async close() {
      closed = true;
      clearInterval(timer);
      await flush(true);
      if (buffer.length) await flush(true); // one retry after a failed write
    },
    pending: () => buffer.length,
    dropped: () => dropped,
  };
}

/** A batch as it travels through the events queue (JSON: dates as ISO strings). */
interface HitBatch {
  hits: Array<Omit<RawHit, 'at'> & { at: string }>;
  /** Clicks still held in the buffer, so a burst split across batches is still seen whole. */
  heldClicks: Array<Omit<RawHit, 'at'> & { at: string }>;
}

const toBatch = (hits: RawHit[], heldClicks: RawHit[]): HitBatch => ({
  hits: hits.map((h) => ({ ...h, at: h.at.toISOString() })),
  heldClicks: heldClicks.map((h) => ({ ...h, at: h.at.toISOString() })),
});
const revive = (hits: HitBatch['hits']): RawHit[] => hits.map((h) => ({ ...h, at: new Date(h.at) }));

/**
 * The events worker (BullMQ only: on the inline driver the recorder writes in-process, since
 * queueing there would be one more Postgres write per batch). One batch at a time keeps a
 * click burst's classification in order.
 */
export function registerEventWriter(deps: Deps) {
  if (deps.queue.driver !== 'bullmq') return;
  deps.queue.process<HitBatch>(EVENTS_QUEUE, (job) => writeHits(deps, revive(job.data.hits), revive(job.data.heldClicks)), { concurrency: 1 });
}

/** Classifies a batch, writes it, and announces it to webhooks. */
async function writeHits(deps: RecorderDeps, ready: RawHit[], heldClicks: RawHit[]) {
  const rows = await classifyHits(deps, ready, heldClicks);
  // One statement for a batch the recorder built (≤ CHUNK_ROWS): all of it is written or none.
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) await insertEvents(deps.db, rows.slice(i, i + CHUNK_ROWS));
  if (rows.length) publishEvents(deps, rows);
}

/** Rows per INSERT statement. */
const CHUNK_ROWS = 5000;

/**
 * One INSERT … SELECT FROM json_to_recordset($1): a single bind parameter whatever the batch
 * size. Building a multi-row VALUES list through the query builder costs ~0.25 ms of CPU per
 * row, which at pixel rates would take the event loop away from answering requests.
 */
export async function insertEvents(db: Db, rows: RecordedEvent[]) {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      workspace_id: r.workspaceId,
      email_id: r.emailId,
      type: r.type,
      machine: r.machine ?? false,
      reason: r.reason ?? null,
      link_index: r.linkIndex ?? null,
      url: r.url ?? null,
      user_agent: r.userAgent ?? null,
      ip: r.ip ?? null,
      data: r.data ?? {},
      occurred_at: (r.occurredAt ?? new Date()).toISOString(),
    })),
  );
  await db.execute(sql`
    insert into email_events (workspace_id, email_id, type, machine, reason, link_index, url, user_agent, ip, data, occurred_at)
    select workspace_id, email_id, type, machine, reason, link_index, url, user_agent, ip, data, occurred_at
    from json_to_recordset(${json}::json) as x(workspace_id uuid, email_id uuid, type text, machine boolean, reason text,
      link_index int, url text, user_agent text, ip text, data jsonb, occurred_at timestamptz)`);
}

/** Looks up what classification needs for a whole batch at once (three queries), then decides each hit. */
async function classifyHits(deps: RecorderDeps, ready: RawHit[], heldClicks: RawHit[]): Promise<RecordedEvent[]> {
  const byEmail = groupBy(ready, (h) => h.emailId);
  const ids = [...byEmail.keys()];
  const known = new Map(
    (await deps.db.select({ id: emails.id, workspaceId: emails.workspaceId, sentAt: emails.sentAt }).from(emails).where(inArray(emails.id, ids))).map((e) => [e.id, e]),
  );
  const firstAt = ready.reduce((min, h) => Math.min(min, h.at.getTime()), Infinity);
  const openIds = ids.filter((id) => known.has(id) && byEmail.get(id)!.some((h) => h.kind === 'open'));
  const clickIds = ids.filter((id) => known.has(id) && byEmail.get(id)!.some((h) => h.kind === 'click'));
  const views = openIds.length
    ? await deps.db.select({ emailId: selfViews.emailId, seenAt: selfViews.seenAt }).from(selfViews).where(and(inArray(selfViews.emailId, openIds), gte(selfViews.seenAt, new Date(firstAt - thresholds.selfViewAfterMs))))
    : [];
  const storedClicks = clickIds.length
    ? await deps.db
        .select({ emailId: emailEvents.emailId, at: emailEvents.occurredAt, linkIndex: emailEvents.linkIndex })
        .from(emailEvents)
        .where(and(inArray(emailEvents.emailId, clickIds), eq(emailEvents.type, 'click'), gte(emailEvents.occurredAt, new Date(firstAt - thresholds.burstMs))))
    : [];
  const viewsOf = groupBy(views, (v) => v.emailId);
  // Every click of an email we know of besides the one being judged: stored, in this batch, or held.
  const clicksOf = groupBy([...storedClicks.map((c) => ({ ...c, hit: undefined as RawHit | undefined })), ...ready.concat(heldClicks).filter((h) => h.kind === 'click').map((h) => ({ emailId: h.emailId, at: h.at, linkIndex: h.linkIndex ?? null, hit: h as RawHit | undefined }))], (c) => c.emailId);

  const rows: RecordedEvent[] = [];
  for (const hit of ready) {
    const email = known.get(hit.emailId);
    if (!email) continue; // a deleted email: nothing to attach the hit to
    const verdict: Verdict =
      hit.kind === 'open'
        ? classifyOpen(hit, { sentAt: email.sentAt, selfViews: (viewsOf.get(hit.emailId) ?? []).map((v) => v.seenAt) })
        : classifyClick(hit, {
            sentAt: email.sentAt,
            linkIndex: hit.linkIndex ?? 0,
            otherClicks: (clicksOf.get(hit.emailId) ?? []).filter((c) => c.hit !== hit).map((c) => ({ at: c.at, linkIndex: c.linkIndex ?? 0 })),
          });
    rows.push({
      workspaceId: email.workspaceId,
      emailId: hit.emailId,
      type: hit.kind,
      machine: verdict.machine,
      reason: verdict.reason,
      linkIndex: hit.linkIndex ?? null,
      url: hit.url ?? null,
      userAgent: hit.userAgent?.slice(0, 512) ?? null,
      ip: hit.ip,
      data: hit.method === 'GET' ? {} : { method: hit.method },
      occurredAt: hit.at,
    });
  }
  return rows;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
