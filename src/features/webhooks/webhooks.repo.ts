import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import {
  type WebhookAttempt,
  webhookDeliveries,
  type WebhookDeliveryRow,
  webhookEndpoints,
  type WebhookEndpointRow,
} from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

/** Attempts kept per delivery (manual redeliveries can add many). */
const MAX_ATTEMPTS_KEPT = 50;

export async function insertEndpoint(db: DbOrTx, row: typeof webhookEndpoints.$inferInsert): Promise<WebhookEndpointRow> {
  const [created] = await db.insert(webhookEndpoints).values(row).returning();
  return created!;
}

export async function findEndpoint(db: DbOrTx, orgId: string, id: string): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id))).limit(1);
  return row;
}

export async function listEndpoints(db: DbOrTx, orgId: string, q: PageQuery): Promise<[WebhookEndpointRow[], number]> {
  const where = eq(webhookEndpoints.orgId, orgId);
  const [items, [total]] = await Promise.all([
    db.select().from(webhookEndpoints).where(where).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(webhookEndpoints).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function updateEndpoint(
  db: DbOrTx,
  orgId: string,
  id: string,
  patch: Partial<Omit<typeof webhookEndpoints.$inferInsert, 'id' | 'orgId'>>,
): Promise<WebhookEndpointRow | undefined> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .returning();
  return row;
}

export async function deleteEndpoint(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

export async function anyEnabledEndpoint(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true)).limit(1);
  return !!row;
}

export async function enabledEndpointsOf(db: DbOrTx, orgIds: string[]): Promise<WebhookEndpointRow[]> {
  if (orgIds.length === 0) return [];
  return db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.enabled, true), inArray(webhookEndpoints.orgId, orgIds)));
}

/** Counts a delivery that failed for good; returns the endpoint's count after it. */
export async function countFailure(db: DbOrTx, endpointId: string): Promise<number> {
  const [row] = await db
    .update(webhookEndpoints)
    .set({ consecutiveFailures: sql`${webhookEndpoints.consecutiveFailures} + 1` })
    .where(eq(webhookEndpoints.id, endpointId))
    .returning({ n: webhookEndpoints.consecutiveFailures });
  return row?.n ?? 0;
}

export async function resetFailures(db: DbOrTx, endpointId: string): Promise<void> {
  await db
    .update(webhookEndpoints)
    .set({ consecutiveFailures: 0 })
    .where(and(eq(webhookEndpoints.id, endpointId), sql`${webhookEndpoints.consecutiveFailures} <> 0`));
}

/** Disables an enabled endpoint; false when it already was (so only one event says so). */
export async function disableEndpoint(db: DbOrTx, endpointId: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, disabledAt: new Date(), updatedAt: new Date() })
    .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.enabled, true)))
    .returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/** Inserts deliveries; one per (endpoint, event) however often it is tried. Returns the ids inserted. */
export async function insertDeliveries(db: DbOrTx, rows: Array<typeof webhookDeliveries.$inferInsert>): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(webhookDeliveries)
    .values(rows)
    .onConflictDoNothing({ target: [webhookDeliveries.endpointId, webhookDeliveries.eventId] })
    .returning({ id: webhookDeliveries.id });
  return inserted.map((r) => r.id);
}

export async function findDeliveryById(db: DbOrTx, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).limit(1);
  return row;
}

export async function findDelivery(db: DbOrTx, orgId: string, endpointId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.id, id)))
    .limit(1);
  return row;
}

export async function listDeliveries(
  db: DbOrTx,
  orgId: string,
  endpointId: string,
  filter: { status?: WebhookDeliveryRow['status'] },
  q: PageQuery,
): Promise<[WebhookDeliveryRow[], number]> {
  const where = and(
    eq(webhookDeliveries.orgId, orgId),
    eq(webhookDeliveries.endpointId, endpointId),
    filter.status ? eq(webhookDeliveries.status, filter.status) : undefined,
  );
  const [items, [total]] = await Promise.all([
    db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(webhookDeliveries).where(where),
  ]);
  return [items, total?.n ?? 0];
}

/** Stores the body at the first attempt; a concurrent first attempt keeps the one stored first. */
export async function fixPayload(db: DbOrTx, id: string, payload: string): Promise<string> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ payload: sql`coalesce(${webhookDeliveries.payload}, ${payload})` })
    .where(eq(webhookDeliveries.id, id))
    .returning({ payload: webhookDeliveries.payload });
  return row?.payload ?? payload;
}

/** Appends an attempt (numbered here, after those recorded before it) and sets what follows from it. */
export async function recordAttempt(
  db: DbOrTx,
  id: string,
  attempt: Omit<WebhookAttempt, 'attempt'>,
  next: Partial<Pick<WebhookDeliveryRow, 'status' | 'nextAttempt' | 'nextAttemptAt' | 'note'>>,
): Promise<void> {
  const entry = sql`jsonb_build_array(jsonb_build_object('attempt', ${webhookDeliveries.attemptCount} + 1) || ${JSON.stringify(attempt)}::jsonb)`;
  await db
    .update(webhookDeliveries)
    .set({
      ...next,
      attempts: sql`(select coalesce(jsonb_agg(a order by n), '[]'::jsonb) from (
        select a, n from jsonb_array_elements(${webhookDeliveries.attempts} || ${entry}) with ordinality as t(a, n)
        order by n desc limit ${MAX_ATTEMPTS_KEPT}) kept)`,
      attemptCount: sql`${webhookDeliveries.attemptCount} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(webhookDeliveries.id, id));
}

export async function updateDelivery(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<WebhookDeliveryRow, 'status' | 'nextAttempt' | 'nextAttemptAt' | 'note'>>,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db.update(webhookDeliveries).set({ ...patch, updatedAt: new Date() }).where(eq(webhookDeliveries.id, id)).returning();
  return row;
}

export { ensureConsumer, lockConsumer, saveConsumer, type ConsumerPosition } from '../../events/event-consumers.ts';

/** Deletes deliveries made before `before` (a sortable delivery id), in slices; returns how many went. */
export async function pruneDeliveries(db: DbOrTx, before: string, slice = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.execute(
      sql`delete from webhook_deliveries where id in (select id from webhook_deliveries where id < ${before} order by id limit ${slice})`,
    );
    const n = (res as { rowCount?: number; affectedRows?: number }).rowCount ?? (res as { affectedRows?: number }).affectedRows ?? 0;
    total += n;
    if (n < slice) return total;
  }
}
