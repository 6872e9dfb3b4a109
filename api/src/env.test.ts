import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

const dataDir = () => mkdtempSync(join(tmpdir(), 'lumina-env-'));

describe('configuration', () => {
  it('starts embedded with no configuration, generating secrets once', () => {
    const dir = dataDir();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.embedded).toBe(true);
    expect(a.port).toBe(8787);
    expect(a.host).toBe('127.0.0.1');
    expect(a.sandboxLogin).toBe(true);
    expect(a.encryptionKey).toHaveLength(32);
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
    expect(b.trackingSecret).toBe(a.trackingSecret);
  });

  it('names a bad variable', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_URL: 'not a url' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), LUMINA_ROLE: 'boss' })).toThrow(/LUMINA_ROLE/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: 'short' })).toThrow(/ENCRYPTION_KEY/);
  });

  it('requires the secrets in production and names the missing ones', () => {
    const run = () => loadConfig({ DATABASE_URL: 'postgres://u@h/db', TRACKING_SECRET: 'x'.repeat(32) });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/ENCRYPTION_KEY/);
    const ok = loadConfig({ DATABASE_URL: 'postgres://u@h/db', ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'x'.repeat(32) });
    expect(ok.embedded).toBe(false);
  });

  it('refuses split roles on the embedded database, saying why', () => {
    for (const role of ['api', 'worker']) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), LUMINA_ROLE: role })).toThrow(/LUMINA_ROLE=.*needs DATABASE_URL.*one process/);
    }
    const split = { DATABASE_URL: 'postgres://u@h/db', ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...split, LUMINA_ROLE: 'worker' }).role).toBe('worker');
  });

  it('reads the keys being rotated out, and names the variable when one is malformed', () => {
    const prod = { DATABASE_URL: 'postgres://u@h/db', ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'x'.repeat(32) };
    expect(loadConfig(prod).previousEncryptionKeys).toEqual([]);
    expect(loadConfig({ ...prod, ENCRYPTION_KEY_PREVIOUS: `${'cd'.repeat(32)},${'ef'.repeat(32)}` }).previousEncryptionKeys).toEqual([Buffer.alloc(32, 0xcd), Buffer.alloc(32, 0xef)]);
    expect(() => loadConfig({ ...prod, ENCRYPTION_KEY_PREVIOUS: 'short' })).toThrow(/ENCRYPTION_KEY_PREVIOUS/);
  });

  it('prefixes BullMQ keys with lumina unless told otherwise', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).redisPrefix).toBe('lumina');
    expect(loadConfig({ DATA_DIR: dataDir(), REDIS_PREFIX: 'acme-prod' }).redisPrefix).toBe('acme-prod');
    expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_PREFIX: 'has space' })).toThrow(/REDIS_PREFIX/);
  });

  it('spreads sequence sends a minute apart and ticks every 30 s by default; each period can be set, within bounds', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).periods).toEqual({ sequenceTickMs: 30_000, sendGapMs: 60_000, sendGapJitterMs: 30_000, inboxSyncMs: 60_000 });
    const quick = loadConfig({ DATA_DIR: dataDir(), SEQUENCE_TICK_SECONDS: '2', SEND_GAP_SECONDS: '0', SEND_GAP_JITTER_SECONDS: '1', INBOX_SYNC_SECONDS: '5' });
    expect(quick.periods).toEqual({ sequenceTickMs: 2_000, sendGapMs: 0, sendGapJitterMs: 1_000, inboxSyncMs: 5_000 });
    expect(() => loadConfig({ DATA_DIR: dataDir(), SEQUENCE_TICK_SECONDS: '0' })).toThrow(/SEQUENCE_TICK_SECONDS/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), INBOX_SYNC_SECONDS: 'often' })).toThrow(/INBOX_SYNC_SECONDS/);
  });

  it('caps request bodies at 1 MB by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).bodyLimitBytes).toBe(1024 * 1024);
  });

  it('offers sandbox login only in embedded or sandbox mode, unless told otherwise', () => {
    const prod = { DATABASE_URL: 'postgres://u@h/db', ENCRYPTION_KEY: 'ab'.repeat(32), TRACKING_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...prod, GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 's' }).sandboxLogin).toBe(false);
    // Postgres without Google is still a deployment: nobody may sign in as anybody there by default.
    expect(loadConfig(prod).sandboxLogin).toBe(false);
    expect(loadConfig({ ...prod, SANDBOX_LOGIN: 'true' }).sandboxLogin).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir() }).sandboxLogin).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir(), SANDBOX_LOGIN: 'false' }).sandboxLogin).toBe(false);
    expect(() => loadConfig({ DATA_DIR: dataDir(), SANDBOX_LOGIN: 'maybe' })).toThrow(/SANDBOX_LOGIN/);
  });

  it('gives the AI provider 20 s by default and reads per-task models', () => {
    const ai = loadConfig({ DATA_DIR: dataDir(), AI_BASE_URL: 'http://127.0.0.1:1/v1', AI_MODEL: 'm', AI_MODEL_OVERRIDES: 'subject-lines=small, classify=tiny' }).ai;
    expect(ai.timeoutMs).toBe(20_000);
    expect(ai.modelOverrides).toEqual({ 'subject-lines': 'small', classify: 'tiny' });
    expect(() => loadConfig({ DATA_DIR: dataDir(), AI_MODEL_OVERRIDES: 'just-a-model' })).toThrow(/AI_MODEL_OVERRIDES/);
    expect(() => loadConfig({ DATA_DIR: dataDir(), AI_MODEL_OVERRIDES: 'subject-line=small' })).toThrow(/AI_MODEL_OVERRIDES: tasks are personalize, rewrite, subject-lines/);
  });

  it('is the only module that reads process.env', () => {
    const root = join(import.meta.dirname, '../..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && path !== join(import.meta.dirname, 'env.ts')) {
          if (readFileSync(path, 'utf8').includes('process.env')) offenders.push(path);
        }
      }
    };
    // The server, the console, the database layer and the shared code all take config from env.ts.
    for (const dir of ['api/src', 'api/console', 'db', 'shared']) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
