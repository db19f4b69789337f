import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import * as schema from './schema.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';
import type { ThreadOptions } from './pglite-thread.ts';

export type Schema = typeof schema;
/** One database type for both engines: PGlite and node-postgres share Drizzle's PgDatabase. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Repos accept either the database or an open transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  /**
   * The same database for background work (jobs, index upkeep). On the embedded engine its statements are marked so
   * that `quiet` does not wait for them (one background writer no longer holds back another); on PostgreSQL it is `db`.
   */
  backgroundDb: Db;
  kind: 'pglite' | 'postgres';
  /** Runs `fn` while holding a cluster-wide advisory lock (several instances may start at once). */
  withAdvisoryLock<T>(lockId: number, fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /**
   * Waits (at most `maxWaitMs`) for a moment when no request is using the database, before a background job's
   * large write: the embedded database runs one statement at a time (see `PgliteLike.quiet`); PostgreSQL serves
   * both at once and resolves at once.
   */
  quiet(maxWaitMs: number): Promise<void>;
  /**
   * Tests (an embedded database opened with `guardTransactions`): whether the calling code runs inside an open
   * transaction, where it must not read through caches (see `guardedCacheStore`).
   */
  insideTransaction?: () => boolean;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | ({
      kind: 'pglite';
      dataDir?: string /* undefined = in memory */;
      /** Called if the database thread dies (a WebAssembly crash): every query fails from then on. */
      onStopped?: (err: Error) => void;
      // The thread's own options (guardTransactions, shareCompiledCode, onStalledTransaction...): see ThreadOptions.
    } & ThreadOptions);

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.kind === 'postgres') return openPostgres(opts.url, opts.poolSize ?? 10);
  const { kind: _kind, dataDir, onStopped, ...threadOptions } = opts;
  return openPglite(dataDir, onStopped, threadOptions);
}

/**
 * A database with no storage, for building the app where nothing is read or written (`parley openapi`): every
 * statement fails with `reason`. Opening an in-memory embedded database instead would create a PostgreSQL cluster,
 * about 5 s of CPU, for a document that never queries it.
 */
export async function databaseWithoutStorage(reason: string): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const refuse = async (): Promise<never> => {
    throw new Error(reason);
  };
  // Drizzle's PGlite driver only calls query() and transaction().
  const db = drizzle({ query: refuse, transaction: refuse } as unknown as PGlite, { schema }) as unknown as Db;
  return { db, backgroundDb: db, kind: 'pglite', withAdvisoryLock: refuse, ping: refuse, quiet: async () => {}, close: async () => {} };
}

// Each engine's driver is loaded only when that engine is opened: a PostgreSQL instance never loads
// PGlite (nor the embedded one node-postgres), a few MB of code and memory the other would not use.
async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
  // At least 2: migrations hold an advisory lock on one connection while running on another.
  const pool = new pg.Pool({ connectionString: url, max: Math.max(2, poolSize) });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    backgroundDb: db,
    kind: 'postgres',
    async withAdvisoryLock(lockId, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [lockId]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock($1)', [lockId]);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    quiet: async () => {},
    async close() {
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | undefined, onStopped?: (err: Error) => void, threadOptions: ThreadOptions = {}): Promise<Database> {
  const [{ startPgliteThread }, { drizzle: drizzlePglite }] = await Promise.all([import('./pglite-thread.ts'), import('drizzle-orm/pglite')]);
  let release = async () => {};
  let dir: string | undefined;
  if (dataDir) {
    dir = path.resolve(dataDir, 'pgdata');
    mkdirSync(dir, { recursive: true });
    // PGlite is single-process: a second process on the same folder would corrupt it.
    release = acquireDataDirLock(path.resolve(dataDir));
  }
  let client;
  try {
    client = await startPgliteThread(dir ?? 'memory://', onStopped, threadOptions);
  } catch (err) {
    await release();
    throw err;
  }
  // Drizzle's PGlite driver only calls query() and transaction(), which the thread's client provides.
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  const backgroundDb = drizzlePglite(client.background as unknown as PGlite, { schema }) as unknown as Db;
  return {
    db,
    backgroundDb,
    kind: 'pglite',
    // One process owns a PGlite database, so the lock is only taken for symmetry with PostgreSQL.
    async withAdvisoryLock(lockId, fn) {
      await client.query('select pg_advisory_lock($1)', [lockId]);
      try {
        return await fn();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [lockId]);
      }
    },
    async ping() {
      await client.query('select 1');
    },
    quiet: (maxWaitMs) => client.quiet(maxWaitMs),
    ...(client.insideTransaction && { insideTransaction: client.insideTransaction }),
    async close() {
      await client.close();
      await release();
    },
  };
}
