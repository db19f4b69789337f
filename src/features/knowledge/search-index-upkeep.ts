import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../infra/logger.ts';
import { createSerialTasks } from '../../lib/serial-tasks.ts';

export interface SearchIndexUpkeep {
  /** Merges what is pending now, in the background (at start: a server stopped during an ingestion). */
  start(): void;
  /** Chunks were written: their full-text entries wait in the index's pending list until merged. */
  wrote(): void;
  /** Resolves when no merge is due or running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
  /** What the merges did so far. */
  readonly merged: { runs: number; pages: number };
}

/**
 * Keeps the knowledge search's full-text index (GIN, `knowledge_chunks_tsv_idx`) free of pending entries.
 *
 * A GIN index takes new entries into a pending list (fast to write) and merges them into its trees only when the
 * list passes `gin_pending_list_limit` (256 kB for this index since migration 0010; PostgreSQL's default is 4 MB),
 * when (auto)vacuum runs, or when asked; every search meanwhile reads the whole list. After an ingestion of about 1,500 chunks through the API on the embedded engine (which runs no
 * autovacuum), searches over 100,000 chunks took p50/p99 12.5-14.2/30.9-35.3 ms with the list, 11.2-12.2/22.9-23.9 ms
 * once merged (December 7). Writing each entry into the trees instead (`fastupdate = off`) made an item's chunk
 * write two to three times slower; merging in bulk is what the list is for. So a moment after the last write of an
 * ingestion burst, Parley merges what is left in the list (about 0.2 ms per chunk on the embedded engine, work the
 * threshold would otherwise have put on some later item's transaction), on both engines.
 */
export function createSearchIndexUpkeep(deps: {
  db: Db;
  logger: Logger;
  /** Waits for a moment when requests are not using the database (the embedded engine; see `Database.quiet`). */
  quiet?: (maxWaitMs: number) => Promise<void>;
  delayMs?: number;
}): SearchIndexUpkeep {
  const { db, logger } = deps;
  const delayMs = deps.delayMs ?? 2_000;
  const merged = { runs: 0, pages: 0 };
  const tasks = createSerialTasks();
  /** Set once a merge was refused for want of privilege (a database user that does not own the index). */
  let refused = false;

  async function merge(): Promise<void> {
    if (tasks.closed || refused) return;
    await deps.quiet?.(100);
    const started = Date.now();
    try {
      const res = await db.execute(sql`select gin_clean_pending_list('knowledge_chunks_tsv_idx'::regclass)::int as pages`);
      const pages = Number((res as unknown as { rows: Array<{ pages: number }> }).rows[0]?.pages ?? 0);
      merged.runs++;
      merged.pages += pages;
      if (pages > 0) logger.debug({ pages, ms: Date.now() - started }, 'merged the search index\'s pending entries');
    } catch (err) {
      // Only the index's owner may merge it (insufficient_privilege otherwise): said once, not tried again. Any
      // other failure (the database restarting, say) is tried again after the next ingestion.
      refused = (err as { code?: string }).code === '42501';
      logger.warn({ err }, 'could not merge the knowledge search index\'s pending entries; searches may be slower after an ingestion until (auto)vacuum merges them');
    }
  }

  // merge() logs the database's failures itself; anything else is logged here.
  const unexpected = (err: unknown) => logger.warn({ err }, 'search index upkeep failed');

  return {
    merged,
    start() {
      tasks.later(0, merge, unexpected);
    },
    wrote() {
      if (!refused) tasks.later(delayMs, merge, unexpected);
    },
    idle: () => tasks.idle(),
    close: () => tasks.close(),
  };
}
