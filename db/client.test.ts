import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './client';
import { rowsOf } from './prepared';

const dir = mkdtempSync(join(tmpdir(), 'lumina-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('database client factory', () => {
  it('applies the migrations on open, and opening again is a no-op that keeps the data', async () => {
    const first = await openDb({ dataDir: dir });
    await first.db.execute(sql`insert into workspaces (name) values ('kept')`);
    const applied = rowsOf<{ n: number }>(await first.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
    expect(applied).toBeGreaterThan(0);
    await first.close();

    const second = await openDb({ dataDir: dir });
    const again = rowsOf<{ n: number }>(await second.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
    const names = rowsOf<{ name: string }>(await second.db.execute(sql`select name from workspaces`));
    await second.close();
    expect(again).toBe(applied);
    expect(names.map((r) => r.name)).toEqual(['kept']);
  }, 120_000);
});
