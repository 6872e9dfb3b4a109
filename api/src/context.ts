import type { Logger } from 'pino';
import type { Db } from '../../db/client';
import type { Config } from './env';
import type { QueuePort } from './jobs/queue';
import type { Role } from '../../shared/contracts/auth';

/** Everything a route or a worker needs, handed in once at start-up (tests hand in their own). */
export interface Deps {
  config: Config;
  db: Db;
  dbKind: 'postgres' | 'pglite';
  /** Postgres' connection string, for work run in a thread of its own (large imports); none on PGlite. */
  databaseUrl?: string;
  queue: QueuePort;
  logger: Logger;
  pingDb(): Promise<void>;
}

export interface SessionInfo {
  sessionId: string;
  userId: string;
  workspaceId: string;
  role: Role;
  email: string;
}

export type AppEnv = {
  Variables: {
    deps: Deps;
    session: SessionInfo;
    requestId: string;
  };
};
