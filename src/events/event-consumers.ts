import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { eventConsumers } from '../db/schema.ts';
import type { Position } from './event-reads.ts';

/**
 * Durable consumers of the event log (webhook fan-out, chat memories): each has a row holding its position,
 * locked by the transaction that reads after it and advances it, so one instance at a time consumes.
 */

export type ConsumerPosition = Position;

/** The consumer's position, locked for this transaction; undefined while another instance holds it, or before it exists. */
export async function lockConsumer(db: DbOrTx, name: string): Promise<ConsumerPosition | undefined> {
  const res = (await db.execute(sql`
    select txid::text as txid, event_id from event_consumers where name = ${name} for update skip locked`)) as unknown as {
    rows: Array<{ txid: string; event_id: string }>;
  };
  const row = res.rows[0];
  return row ? { txid: BigInt(row.txid), id: row.event_id } : undefined;
}

/** Creates the consumer's row at `at` when it has none. */
export async function ensureConsumer(db: DbOrTx, name: string, at: ConsumerPosition): Promise<void> {
  await db.insert(eventConsumers).values({ name, txid: at.txid, eventId: at.id }).onConflictDoNothing();
}

export async function saveConsumer(db: DbOrTx, name: string, at: ConsumerPosition): Promise<void> {
  await db.update(eventConsumers).set({ txid: at.txid, eventId: at.id, updatedAt: new Date() }).where(eq(eventConsumers.name, name));
}
