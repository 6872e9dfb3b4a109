import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createTestRuntime, signIn, testDbKind, type TestRuntime } from '../harness';
import { errorEnvelopeSchema } from '../../../shared/errors';
import { giveMailbox } from '../test-mailbox';
import { contractShapes, type ContractShape } from './contract-shapes';

/**
 * Property-based fuzzing of every mounted route with bodies and query strings generated from
 * the zod contracts in shared/: right fields with hostile values (NUL and other controls, lone
 * surrogates, RTL marks, CR/LF, SQL-ish and prototype-pollution strings, huge strings), wrong
 * types, missing and extra fields, bad ids and pagination, broken JSON, wrong content types,
 * oversized bodies. Zero 5xx; every error is the envelope; no stack, SQL or path in any body.
 * FUZZ_REQUESTS sets the total (2,000 here, 20,000 in `npm run soak`).
 */
// The Postgres project repeats a quarter of it: the routes are the same, the database is what differs.
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? (testDbKind === 'postgres' ? 500 : 2000));
export const fuzzStats = { requests: 0, byStatus: {} as Record<number, number> };

let rt: TestRuntime;
let rep: Awaited<ReturnType<typeof signIn>>;
let shapes: ContractShape[];
beforeAll(async () => {
  rt = await createTestRuntime({ env: { BODY_LIMIT_BYTES: String(256 * 1024), AUTH_RATE_LIMIT_PER_MIN: '1000000' } });
  rep = await signIn(rt.app, 'fuzz@fuzz.test', 'Fuzz');
  await giveMailbox(rt, rep, 'fuzz@fuzz.test');
  shapes = contractShapes();
});
afterAll(async () => {
  console.log(`[fuzz] ${fuzzStats.requests} requests, statuses ${JSON.stringify(fuzzStats.byStatus)}`);
  await rt?.close();
});

const hostile = fc.oneof(
  fc.constantFrom(
    '\u0000', 'a\u0000b', '\u0001\u0007\u001b[31m', '\ud800', 'x\udfffy', '\u202eevil\u202c', '\u200f\u200e', 'a\r\nBcc: victim@x.test', '\r\n\r\n<html>',
    "' or 1=1 --", "'); drop table emails; --", '%00', '../../etc/passwd', '__proto__', 'constructor', '{{__proto__}}', '<script>alert(1)</script>',
    'javascript:alert(1)', 'https://x.test/a\r\nb', '9'.repeat(400), '-1', 'NaN', '1e309', '', ' ', 'null',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  hostile,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostile, { maxLength: 5 }),
  fc.dictionary(hostile, hostile, { maxKeys: 4 }),
  fc.constant({ __proto__: { admin: true }, constructor: { prototype: { x: 1 } } }),
);
const uuidish = fc.oneof(fc.uuid(), fc.constantFrom('not-an-id', '%00', '0', '9'.repeat(40), '..', 'x'.repeat(300)));

function bodyFor(shape: ContractShape): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(shape.fields).map(([k, f]) => {
    const typed = f.format === 'uuid' ? uuidish : f.format === 'email' ? fc.oneof(fc.emailAddress(), hostile.map((h) => `${h}@x.test`)) : anyValue;
    return [k, fc.option(typed, { nil: undefined })] as const;
  });
  return fc.tuple(fc.record(Object.fromEntries(entries)), fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'workspaceId', 'userId', 'role', 'extra'), anyValue, { maxKeys: 2 }))
    .map(([a, b]) => ({ ...b, ...a }));
}

const request = fc.record({
  route: fc.nat(),
  shape: fc.nat(),
  id: uuidish,
  wire: fc.constantFrom('json', 'json', 'json', 'broken', 'text', 'form', 'huge', 'array', 'query'),
});

function fill(path: string, id: string) {
  return path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, encodeURIComponent(id));
}

const LEAKS = [/\bat [^\s]+ \(?\/[^\s)]+:\d+/, /node_modules/, /\/work\//, /\bselect\b.+\bfrom\b/i, /\binsert into\b/i, /syntax error at or near/i, /invalid byte sequence/i, /violates foreign key/i];

describe('fuzz: every route, bodies and queries from the zod contracts', () => {
  it(`answers ${TOTAL} hostile requests with no 5xx, only the error envelope, and nothing internal`, { timeout: 900_000 }, async () => {
    const routes = rt.app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*') && r.path !== '/api/auth/logout')
      .filter((r, i, all) => all.findIndex((x) => x.method === r.method && x.path === r.path) === i);
    expect(routes.length).toBeGreaterThan(40);
    const bodies = shapes.filter((s) => s.kind === 'body');
    const queries = shapes.filter((s) => s.kind === 'query');
    expect(bodies.length).toBeGreaterThan(15);
    await fc.assert(
      fc.asyncProperty(request, fc.nat(), fc.context(), async (req, seed, ctx) => {
        const route = routes[req.route % routes.length]!;
        const shape = (req.wire === 'query' ? queries : bodies)[req.shape % (req.wire === 'query' ? queries.length : bodies.length)]!;
        const value = fc.sample(bodyFor(shape), { numRuns: 1, seed })[0]!;
        let path = fill(route.path, req.id);
        const headers = new Headers({ authorization: `Bearer ${rep.token}`, 'idempotency-key': `fuzz-${seed}-${req.route}` });
        let body: BodyInit | undefined;
        const writes = route.method !== 'GET' && route.method !== 'HEAD';
        if (req.wire === 'query' || !writes) {
          const qs = new URLSearchParams();
          for (const [k, v] of Object.entries(value)) if (v !== undefined) qs.set(k, typeof v === 'string' ? v : JSON.stringify(v));
          qs.set('page', String(seed % 3 === 0 ? -1 : seed % 5));
          path += `?${qs.toString().replace(/%EF%BF%BD/g, '%ED%A0%80')}`;
        }
        if (writes) {
          if (req.wire === 'broken') (headers.set('content-type', 'application/json'), (body = '{"to": "a@b.test", "subject": '));
          else if (req.wire === 'text') (headers.set('content-type', 'text/plain'), (body = JSON.stringify(value)));
          else if (req.wire === 'form') (headers.set('content-type', 'application/x-www-form-urlencoded'), (body = new URLSearchParams(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString()));
          else if (req.wire === 'huge') (headers.set('content-type', 'application/json'), (body = JSON.stringify({ ...value, pad: 'x'.repeat(300 * 1024) })));
          else if (req.wire === 'array') (headers.set('content-type', 'application/json'), (body = JSON.stringify([value])));
          else (headers.set('content-type', 'application/json'), (body = JSON.stringify(value)));
        }
        const res = await rt.app.request(path, { method: route.method, headers, body });
        const text = await res.text();
        fuzzStats.requests++;
        fuzzStats.byStatus[res.status] = (fuzzStats.byStatus[res.status] ?? 0) + 1;
        ctx.log(`${route.method} ${path.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`);
        if (res.status === 503) return JSON.parse(text).error.code === 'AI_NOT_CONFIGURED';
        if (res.status >= 500) return false;
        if (res.status >= 400 && !(route.path.startsWith('/console') || route.path.startsWith('/u/')) && !errorEnvelopeSchema.safeParse(safeJson(text)).success) return false;
        return !LEAKS.some((re) => re.test(text));
      }),
      { numRuns: TOTAL, seed: Number(process.env.FUZZ_SEED ?? 20261202), endOnFailure: true },
    );
    expect(fuzzStats.requests).toBeGreaterThanOrEqual(TOTAL);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
