import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import type { EventType, ParleyEvent } from './catalog.ts';

/** Where an event sits in the log: its transaction's id, then its own id. */
export interface Position {
  txid: bigint;
  id: string;
}

export interface LoggedRow {
  id: string;
  txid: string;
  org_id: string;
  type: string;
  subject_id: string;
  actor_type: 'api_key' | 'member' | 'visitor' | 'system';
  actor_id: string | null;
  data: Record<string, unknown>;
  created_at: Date | string;
}

/** Cursors are opaque to clients: `<txid>.<event id>`. */
export const cursorOf = (p: { txid: bigint | string; id: string }) => `${p.txid}.${p.id}`;

const CURSOR = /^(\d{1,20})\.(evt_[0-9A-Za-z]{1,40})$/;

/** The position a cursor names; throws on anything that is not one (callers map it to a 400). */
export function parseCursor(cursor: string): Position {
  const m = CURSOR.exec(cursor);
  if (!m) throw new TypeError('not an event cursor');
  return { txid: BigInt(m[1]!), id: m[2]! };
}

export const isCursor = (s: string) => CURSOR.test(s);

export function comparePositions(a: Position, b: Position): number {
  if (a.txid !== b.txid) return a.txid < b.txid ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function toEvent(row: LoggedRow): ParleyEvent {
  return {
    id: row.id,
    cursor: cursorOf(row),
    type: row.type as EventType,
    org_id: row.org_id,
    subject_id: row.subject_id,
    actor: { type: row.actor_type, id: row.actor_id },
    data: row.data as ParleyEvent['data'],
    created_at: new Date(row.created_at).toISOString(),
  };
}

const rowsOf = (result: unknown) => (result as { rows: LoggedRow[] }).rows;

/**
 * Committed events after `after` and up to `until` (inclusive), in log order. `until` must not pass
 * the horizon (see `horizon`): below it, a transaction that commits later has a larger txid than
 * everything returned, so it can never be skipped by a reader that continues from the last row it
 * got. `{ txid: horizon, id: '' }` reads everything below the horizon. `types` limits the rows
 * returned (not the range read).
 */
export async function readAfter(
  db: DbOrTx,
  after: Position,
  opts: { limit: number; until: Position; orgId?: string; types?: readonly string[] },
): Promise<LoggedRow[]> {
  const org = opts.orgId === undefined ? sql`` : sql`and org_id = ${opts.orgId}`;
  const types = opts.types === undefined ? sql`` : sql`and type in (${sql.join(opts.types.map((t) => sql`${t}`), sql`, `)})`;
  return rowsOf(
    await db.execute(sql`
      select id, txid::text as txid, org_id, type, subject_id, actor_type, actor_id, data, created_at
      from events
      where txid between ${after.txid.toString()}::bigint and ${opts.until.txid.toString()}::bigint
        and (txid, id) > (${after.txid.toString()}::bigint, ${after.id})
        and (txid, id) <= (${opts.until.txid.toString()}::bigint, ${opts.until.id}) ${org} ${types}
      order by txid, id
      limit ${opts.limit}`),
  );
}

/**
 * The oldest transaction still running (or the next to start): every event below it is committed
 * or gone for good. A reader that read everything below it can continue from `{ txid: horizon, id: '' }`.
 */
export async function horizon(db: DbOrTx): Promise<bigint> {
  const [row] = (await db.execute(sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`) as unknown as { rows: Array<{ xmin: string }> }).rows;
  return BigInt(row!.xmin);
}

/** The first transaction id not yet assigned: every transaction committed so far is below it. */
export async function nextTxid(db: DbOrTx): Promise<bigint> {
  const [row] = (await db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as xmax`) as unknown as { rows: Array<{ xmax: string }> }).rows;
  return BigInt(row!.xmax);
}
