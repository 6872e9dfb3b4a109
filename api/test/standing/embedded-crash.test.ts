import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { count, eq } from 'drizzle-orm';
import { openDb } from '../../../db/client';
import { emailEvents, emails } from '../../../db/schema';
import { startGmailEmulator, type GmailEmulator } from '../../emulator/server';
import { freePort } from '../own-redis';
import { until } from '../send-kit';
import { openPixelUrl } from '../../src/modules/tracking/tokens';
import { sandboxAccount } from '../../src/modules/sandbox/service';

/**
 * The embedded server (`npm start`'s process: PGlite in DATA_DIR, the inline queue, sandbox
 * mail) SIGKILLed while it sends and while opens stream in, then started again on the same
 * data directory. The sandbox mailbox's Gmail is an emulator this test runs, so what was
 * delivered survives the kill and is counted there; one send is delivered and left unanswered
 * (the kill lands while Gmail holds it).
 *
 * Then: every accepted email SENT, each delivered exactly once; opens answered before the kill
 * are recorded, except those still in the recorder's buffer (flushed every 25 ms in embedded
 * mode) or in the write in flight — a loss the test prints and bounds by the hits answered in
 * the last half second before the kill. The server's database is PGlite whatever the project,
 * so vitest.config.ts runs this file on api-pglite only.
 */
const SENDS = Number(process.env.CRASH_SENDS ?? 100);
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const serverScript = fileURLToPath(new URL('../../src/server.ts', import.meta.url));
export const crashStats: Record<string, number> = {};

let emu: GmailEmulator | undefined;
let dataDir: string | undefined;
let server: ChildProcess | undefined;
afterAll(async () => {
  console.log(`[embedded-crash] ${JSON.stringify(crashStats)}`);
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  await emu?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded server SIGKILLed mid-send and mid-opens', () => {
  it(`${SENDS} sends accepted, the process killed and restarted on its data directory: each SENT and delivered once, opens before the kill kept`, { timeout: 300_000 }, async () => {
    const started = Date.now();
    emu = await startGmailEmulator();
    dataDir = mkdtempSync(join(tmpdir(), 'lumina-embedded-crash-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? tmpdir(),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      LOG_LEVEL: 'silent',
      SANDBOX_LOGIN: 'true',
      GOOGLE_API_ROOT: emu.url, // the sandbox mailbox on this test's emulator, which outlives the kill
    };
    const start = async () => {
      server = spawn(process.execPath, ['--import', 'tsx', serverScript], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      await until(async () => (await fetch(`${base}/health`)).ok, 120_000);
    };
    await start();
    crashStats.firstStartSeconds = Math.round((Date.now() - started) / 1000);

    const login = await (await fetch(`${base}/api/auth/sandbox-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ana@crash.test' }) })).json() as { token: string; workspace: { id: string } };
    const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
    const boxes = (await (await fetch(`${base}/api/mailboxes`, { headers: auth })).json()) as { data: Array<{ id: string; email: string }> };
    const box = boxes.data[0]!;
    const account = sandboxAccount(login.workspace.id, box.email);
    const { trackingSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { trackingSecret: string };

    // The first send Gmail stores and never answers: the kill finds it delivered and unanswered.
    emu.control.fault('messages.send', { kind: 'hang' }, { afterCommit: true });
    const ids: string[] = [];
    let nextSend = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (nextSend < SENDS) {
          const i = nextSend++;
          const res = await fetch(`${base}/api/emails/send`, {
            method: 'POST',
            headers: { ...auth, 'idempotency-key': `embedded-crash-${i}` },
            body: JSON.stringify({ to: `p${i}@prospect.test`, subject: `Crash ${i}`, bodyHtml: '<p>Hello</p>', mailboxId: box.id }),
          });
          expect(res.status).toBe(202);
          ids.push(((await res.json()) as { id: string }).id);
        }
      }),
    );

    // Opens stream in (real HTTP, keep-alive) until the kill; each 200 is counted with its time.
    const paths = ids.map((id) => new URL(openPixelUrl(base, trackingSecret, id)).pathname);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answeredAt: number[] = [];
    let streaming = true;
    const hit = (path: string) =>
      new Promise<number>((resolve) => {
        const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'user-agent': CHROME } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', () => resolve(0)); // the kill: no answer, so not counted
        req.end();
      });
    const stream = Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; streaming; i += 8) {
          if ((await hit(paths[i % paths.length]!)) === 200) answeredAt.push(Date.now());
          await new Promise((r) => setTimeout(r, 2));
        }
      }),
    );

    // Kill once part of the mail is out and opens have streamed for a while.
    await until(async () => emu!.control.sent(account).length >= Math.min(40, SENDS / 2) && answeredAt.length >= 300, 120_000);
    const exited = new Promise((r) => server!.once('exit', r));
    server!.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    streaming = false;
    await stream;
    agent.destroy();
    const answeredBeforeKill = answeredAt.length;
    const deliveredAtKill = emu.control.sent(account).length;

    // The same data directory, a new process: it releases the dead one's claims and finishes.
    const restartAt = Date.now();
    await start();
    crashStats.restartSeconds = Math.round((Date.now() - restartAt) / 1000);
    // Opens after the restart are written too (the shutdown below flushes them).
    let after = 0;
    for (let i = 0; i < 100; i++) if ((await hit(paths[i % paths.length]!)) === 200) after++;
    await until(async () => {
      const res = await fetch(`${base}/api/emails?limit=200`, { headers: auth });
      if (!res.ok) return false;
      const list = (await res.json()) as { data: Array<{ status: string }> };
      return list.data.length === SENDS && list.data.every((e) => e.status === 'SENT' || e.status === 'FAILED');
    }, 180_000);
    const stopped = new Promise((r) => server!.once('exit', r));
    server!.kill('SIGTERM'); // a clean stop this time: the recorder flushes
    await stopped;

    const handle = await openDb({ dataDir });
    const { db } = handle;
    try {
      const statuses = await db.select({ status: emails.status, n: count() }).from(emails).groupBy(emails.status);
      const opens = Number((await db.select({ n: count() }).from(emailEvents).where(eq(emailEvents.type, 'open')))[0]!.n);
      const sent = emu.control.sent(account);
      const perMessageId = new Map<string, number>();
      for (const m of sent) perMessageId.set(m.messageId, (perMessageId.get(m.messageId) ?? 0) + 1);
      const recordedBeforeKill = opens - after;
      Object.assign(crashStats, {
        sends: SENDS,
        deliveredAtKill,
        sent: statuses.find((s) => s.status === 'SENT')?.n ?? 0,
        delivered: sent.length,
        duplicates: [...perMessageId.values()].filter((n) => n > 1).length,
        opensAnsweredBeforeKill: answeredBeforeKill,
        opensRecordedBeforeKill: recordedBeforeKill,
        opensLost: answeredBeforeKill - recordedBeforeKill,
        opensAnsweredInLastHalfSecond: answeredAt.filter((t) => t >= killedAt - 500).length,
        opensAfterRestart: after,
        seconds: Math.round((Date.now() - started) / 1000),
      });
      expect(deliveredAtKill).toBeLessThan(SENDS); // the kill landed mid-send
      expect(statuses).toEqual([{ status: 'SENT', n: SENDS }]);
      expect(sent).toHaveLength(SENDS);
      expect(perMessageId.size).toBe(SENDS); // exactly once each
      expect(after).toBe(100);
      expect(crashStats.opensLost).toBeGreaterThanOrEqual(0); // none written twice
      // The loss is what the buffer held: at most the last half second's opens before the kill.
      expect(crashStats.opensLost).toBeLessThanOrEqual(crashStats.opensAnsweredInLastHalfSecond);
    } finally {
      await handle.close();
    }
  });
});
