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

  it('refuses split roles on the embedded database', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), LUMINA_ROLE: 'worker' })).toThrow(/DATABASE_URL/);
  });

  it('is the only module that reads process.env', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts') && path !== join(import.meta.dirname, 'env.ts')) {
          if (readFileSync(path, 'utf8').includes('process.env')) offenders.push(path);
        }
      }
    };
    walk(import.meta.dirname);
    expect(offenders).toEqual([]);
  });
});
