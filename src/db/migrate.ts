import path from 'node:path';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Database } from './client.ts';
import { ROOT } from '../lib/root.ts';

export const MIGRATIONS_DIR = path.join(ROOT, 'migrations');

/** Advisory lock id shared by every Parley instance for schema changes and bootstrap. */
export const SCHEMA_LOCK_ID = 0x7061726c; // "parl"

/** Applies committed SQL migrations; safe when several instances start at once. */
export async function migrate(database: Database): Promise<void> {
  await database.withAdvisoryLock(SCHEMA_LOCK_ID, async () => {
    const opts = { migrationsFolder: MIGRATIONS_DIR };
    // The engine's own migrator only (each pulls in its driver).
    if (database.kind === 'pglite') {
      const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
      await migratePglite(database.db as unknown as PgliteDatabase, opts);
    } else {
      const { migrate: migratePg } = await import('drizzle-orm/node-postgres/migrator');
      await migratePg(database.db as unknown as NodePgDatabase, opts);
    }
  });
}
