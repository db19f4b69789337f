import { sql } from 'drizzle-orm';
import type { Logger } from '../infra/logger.ts';
import type { Db } from './client.ts';
import { createSerialTasks } from '../lib/serial-tasks.ts';

/** Tables whose size changes what plans the planner picks (searches, inbox lists); kept analyzed on PGlite. */
export const WATCHED_TABLES = ['knowledge_chunks', 'knowledge_contents', 'chats', 'messages', 'contacts', 'events'] as const;
export type WatchedTable = (typeof WATCHED_TABLES)[number];

export interface PlannerStats {
  /** Checks every watched table once, in the background (after migrations). */
  start(): void;
  /** `rows` rows of `table` were inserted, updated or deleted. */
  wrote(table: WatchedTable, rows: number): void;
  /** Resolves when no ANALYZE is due or running (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Keeps the planner's statistics fresh on the embedded engine. PostgreSQL's autovacuum analyzes a
 * table once about a tenth of it changed; PGlite runs no autovacuum, so a table filled after the
 * start keeps the statistics of an empty one and the planner keeps plans made for a few rows (a
 * knowledge search at 25,000 chunks: p50 73 ms and p99 438 ms with those, 46 and 217 ms after this
 * ANALYZE, on a busy machine; docs/performance.md). The rule is autovacuum's (50 rows plus 10 % of the table), counted from what
 * Parley writes, checked a moment after the last write (ingestion writes in bursts). At start, a
 * table whose row count is far from what its statistics say, or that has rows and no column statistics at
 * all, is analyzed (a crash before the ANALYZE, data written by an older version or restored from a dump, or
 * contacts, which are not counted as they are written).
 *
 * ANALYZE samples at most 30,000 rows, so it takes well under a second even on large tables, but
 * PGlite runs one statement at a time: requests wait for it. VACUUM is not run (dead rows from
 * re-ingested items stay until a `VACUUM`; see docs/performance.md).
 */
export function createPlannerStats(deps: { db: Db; kind: 'pglite' | 'postgres'; logger: Logger; delayMs?: number }): PlannerStats {
  if (deps.kind === 'postgres') return { start() {}, wrote() {}, idle: async () => {}, close: async () => {} };
  const { db, logger } = deps;
  const delayMs = deps.delayMs ?? 2_000;
  /** Rows changed since the table's last ANALYZE. */
  const changed = new Map<WatchedTable, number>();
  /** Rows the table had at its last ANALYZE (the planner's `reltuples`). */
  const analyzedAt = new Map<WatchedTable, number>();
  const tasks = createSerialTasks();

  const reltuples = async (table: WatchedTable): Promise<number> => {
    const rows = await db.execute(sql`select greatest(reltuples, 0)::float8 as n from pg_class where oid = to_regclass(${table})`);
    return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
  };

  const hasColumnStats = async (table: WatchedTable): Promise<boolean> =>
    rowsOf(await db.execute(sql`select 1 from pg_stats where schemaname = current_schema() and tablename = ${table} limit 1`)).length > 0;

  async function analyze(table: WatchedTable, why: string): Promise<void> {
    const started = Date.now();
    // The table name is one of WATCHED_TABLES, never input.
    await db.execute(sql.raw(`analyze "${table}"`));
    analyzedAt.set(table, await reltuples(table));
    logger.debug({ table, rows: analyzedAt.get(table), ms: Date.now() - started, why }, 'planner statistics refreshed');
  }

  async function runDue(): Promise<void> {
    for (const [table, n] of [...changed]) {
      if (tasks.closed) return;
      if (!analyzedAt.has(table)) analyzedAt.set(table, await reltuples(table));
      if (n < 50 + 0.1 * analyzedAt.get(table)!) continue;
      changed.delete(table);
      await analyze(table, `${n} rows changed`);
    }
  }

  const dueFailed = (err: unknown) => logger.warn({ err }, 'could not refresh the planner statistics; searches may be slower until it succeeds');

  /** Tables whose statistics are far from their size, analyzed (in the background). */
  const checkAll = () => tasks.now(async () => {
    for (const table of WATCHED_TABLES) {
      if (tasks.closed) return;
      const count = Number(rowsOf<{ n: number }>(await db.execute(sql.raw(`select count(*)::int as n from "${table}"`)))[0]?.n ?? 0);
      const known = await reltuples(table);
      analyzedAt.set(table, known);
      if (Math.abs(count - known) >= 50 + 0.1 * known) await analyze(table, `${count} rows, statistics for ${known}`);
      // Building an index sets the row count (`reltuples`) but gathers no column statistics: a table restored
      // from a dump, or filled before its indexes were made, looks analyzed by its count alone.
      else if (count >= 50 && !(await hasColumnStats(table))) await analyze(table, `${count} rows, no column statistics`);
    }
  }, (err) => logger.warn({ err }, 'could not check the planner statistics at start'));

  return {
    start() {
      void checkAll();
    },
    wrote(table, rows) {
      if (rows <= 0 || tasks.closed) return;
      changed.set(table, (changed.get(table) ?? 0) + rows);
      tasks.later(delayMs, runDue, dueFailed);
    },
    idle: () => tasks.idle(),
    close: () => tasks.close(),
  };
}

const rowsOf = <T>(result: unknown): T[] => ((result as { rows?: T[] }).rows ?? (result as T[]));
