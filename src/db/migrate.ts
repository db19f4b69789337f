import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Database } from './client.ts';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Advisory lock id shared by every Parley instance for schema changes and bootstrap. */
export const SCHEMA_LOCK_ID = 0x7061726c; // "parl"

/** Applies committed SQL migrations; safe when several instances start at once. */
export async function migrate(database: Database): Promise<void> {
  await database.withAdvisoryLock(SCHEMA_LOCK_ID, async () => {
    const opts = { migrationsFolder: MIGRATIONS_DIR };
    if (database.kind === 'pglite') await migratePglite(database.db as unknown as PgliteDatabase, opts);
    else await migratePg(database.db as unknown as NodePgDatabase, opts);
  });
}
