import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { contactSegments, segments, type SegmentRow } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';
import { contactsCount, likeEscape, type SegmentWithCount } from './contacts.repo.ts';

const withCount = { segment: segments, contactsCount };
const flat = (r: { segment: SegmentRow; contactsCount: number }): SegmentWithCount => ({ ...r.segment, contactsCount: r.contactsCount });

export async function listSegments(db: DbOrTx, orgId: string, search: string | undefined, q: PageQuery): Promise<[SegmentWithCount[], number]> {
  const where: SQL = and(eq(segments.orgId, orgId), search ? sql`${segments.name} ilike ${`%${likeEscape(search)}%`}` : undefined)!;
  const [items, [total]] = await Promise.all([
    db.select(withCount).from(segments).where(where).orderBy(asc(segments.name), asc(segments.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(segments).where(where),
  ]);
  return [items.map(flat), total?.n ?? 0];
}

export async function findSegment(db: DbOrTx, orgId: string, id: string): Promise<SegmentWithCount | undefined> {
  const [row] = await db.select(withCount).from(segments).where(and(eq(segments.orgId, orgId), eq(segments.id, id))).limit(1);
  return row && flat(row);
}

/** The ids among `ids` that are segments of the org. */
export async function existingSegmentIds(db: DbOrTx, orgId: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.select({ id: segments.id }).from(segments).where(and(eq(segments.orgId, orgId), inArray(segments.id, ids)));
  return new Set(rows.map((r) => r.id));
}

export async function findSegmentByName(db: DbOrTx, orgId: string, name: string): Promise<SegmentRow | undefined> {
  const [row] = await db.select().from(segments).where(and(eq(segments.orgId, orgId), sql`lower(${segments.name}) = lower(${name})`)).limit(1);
  return row;
}

/** Undefined when the name is taken (the unique index on the lower-cased name decides, race-free). */
export async function insertSegment(db: DbOrTx, row: typeof segments.$inferInsert): Promise<SegmentRow | undefined> {
  const [created] = await db.insert(segments).values(row).onConflictDoNothing().returning();
  return created;
}

export async function updateSegment(
  db: DbOrTx,
  orgId: string,
  id: string,
  patch: Partial<Pick<SegmentRow, 'name' | 'color'>>,
): Promise<SegmentRow | undefined> {
  const [row] = await db
    .update(segments)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
    .returning();
  return row;
}

export async function deleteSegment(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await db.delete(segments).where(and(eq(segments.orgId, orgId), eq(segments.id, id))).returning({ id: segments.id });
  return rows.length > 0;
}

/** A contact's segments, by name. */
export async function listSegmentsOfContact(db: DbOrTx, orgId: string, contactId: string, q: PageQuery): Promise<[SegmentWithCount[], number]> {
  const where = and(eq(contactSegments.orgId, orgId), eq(contactSegments.contactId, contactId));
  const [items, [total]] = await Promise.all([
    db
      .select(withCount)
      .from(contactSegments)
      .innerJoin(segments, eq(segments.id, contactSegments.segmentId))
      .where(where)
      .orderBy(asc(segments.name), asc(segments.id))
      .limit(q.take)
      .offset(pageOffset(q)),
    db.select({ n: count() }).from(contactSegments).where(where),
  ]);
  return [items.map(flat), total?.n ?? 0];
}
