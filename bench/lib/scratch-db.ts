// A database of a benchmark's own on a Postgres server, so a run never touches anyone's data
// and leaves nothing behind: created empty (openDb applies the migrations), dropped after.
import postgres from 'postgres';

export interface ScratchDb {
  /** The scratch database's URL (the server's, with its own database name). */
  url: string;
  /** Drops it, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/** Creates `<base>_<pid>` on the server at `serverUrl` (an old one of that name is dropped first). */
export async function createScratchDb(serverUrl: string, base: string): Promise<ScratchDb> {
  const name = `${base}_${process.pid}`;
  await onServer(serverUrl, async (admin) => {
    await admin.unsafe(`drop database if exists ${name}`);
    await admin.unsafe(`create database ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(serverUrl, (admin) => admin.unsafe(`drop database if exists ${name} with (force)`).then(() => {})).catch(() => {}),
  };
}

/** Runs `run` on a scratch database and drops it afterwards, whether `run` succeeds or throws. */
export async function withScratchDb<T>(serverUrl: string, base: string, run: (url: string) => Promise<T>): Promise<T> {
  const scratch = await createScratchDb(serverUrl, base);
  try {
    return await run(scratch.url);
  } finally {
    await scratch.drop();
  }
}

async function onServer(serverUrl: string, act: (admin: postgres.Sql) => Promise<void>) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await act(admin);
  } finally {
    await admin.end();
  }
}
