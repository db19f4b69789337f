import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import {
  chats,
  type ContactChannelRow,
  contactChannels,
  type ContactRow,
  contacts,
  contactSegments,
  type SegmentRow,
  segments,
} from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

export interface ContactFilter {
  search?: string;
  status: 'ALL' | 'SUBSCRIBED' | 'UNSUBSCRIBED' | 'BLOCKED' | 'AI_REPLIES_DISABLED';
  email?: string;
  userId?: string;
  segmentId?: string;
}

/** `%`, `_` and `\` taken literally inside an ILIKE pattern. */
export const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const STATUS: Record<ContactFilter['status'], SQL | undefined> = {
  ALL: undefined,
  SUBSCRIBED: sql`${contacts.unsubscribed} = false`,
  UNSUBSCRIBED: sql`${contacts.unsubscribed} = true`,
  BLOCKED: sql`${contacts.blocked} = true`,
  AI_REPLIES_DISABLED: sql`${contacts.aiRepliesDisabled} = true`,
};

function conditions(orgId: string, f: ContactFilter): SQL {
  const where: Array<SQL | undefined> = [eq(contacts.orgId, orgId), STATUS[f.status]];
  const channel = (cond: SQL) =>
    sql`exists (select 1 from ${contactChannels} ch where ch.contact_id = ${contacts.id} and ch.org_id = ${orgId} and ${cond})`;
  if (f.search) {
    const p = `%${likeEscape(f.search)}%`;
    where.push(sql`(${contacts.name} ilike ${p} or ${channel(sql`(ch.name ilike ${p} or ch.email ilike ${p} or ch.phone ilike ${p})`)})`);
  }
  if (f.email) where.push(channel(sql`lower(ch.email) = lower(${f.email})`));
  if (f.userId) where.push(channel(sql`ch.user_id = ${f.userId}`));
  if (f.segmentId) {
    where.push(sql`exists (select 1 from ${contactSegments} cs where cs.contact_id = ${contacts.id} and cs.segment_id = ${f.segmentId})`);
  }
  return and(...where)!;
}

export async function listContacts(db: DbOrTx, orgId: string, f: ContactFilter, q: PageQuery): Promise<[ContactRow[], number]> {
  const where = conditions(orgId, f);
  const [items, [total]] = await Promise.all([
    db.select().from(contacts).where(where).orderBy(desc(contacts.createdAt), desc(contacts.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(contacts).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function findContact(db: DbOrTx, orgId: string, id: string): Promise<ContactRow | undefined> {
  const [row] = await db.select().from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, id))).limit(1);
  return row;
}

/**
 * Locks the channels of these contacts. Resolving a writer locks a channel, then its contact; a change that
 * rewrites or deletes channels through their contact (merge, delete) takes the channels first too, so the
 * two cannot deadlock.
 */
export async function lockChannelsOf(db: DbOrTx, orgId: string, contactIds: string[]): Promise<void> {
  await db
    .select({ id: contactChannels.id })
    .from(contactChannels)
    .where(and(eq(contactChannels.orgId, orgId), inArray(contactChannels.contactId, contactIds)))
    .orderBy(asc(contactChannels.id))
    .for('update');
}

/** Both contacts of a merge, locked in id order (two merges of the same pair cannot deadlock). */
export async function lockContacts(db: DbOrTx, orgId: string, ids: string[]): Promise<ContactRow[]> {
  return db.select().from(contacts).where(and(eq(contacts.orgId, orgId), inArray(contacts.id, ids))).orderBy(asc(contacts.id)).for('update');
}

export async function insertContact(db: DbOrTx, row: typeof contacts.$inferInsert): Promise<ContactRow> {
  const [created] = await db.insert(contacts).values(row).returning();
  return created!;
}

export async function updateContact(
  db: DbOrTx,
  orgId: string,
  id: string,
  patch: Partial<Omit<ContactRow, 'id' | 'orgId' | 'createdAt'>>,
): Promise<ContactRow | undefined> {
  const [row] = await db
    .update(contacts)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(contacts.orgId, orgId), eq(contacts.id, id)))
    .returning();
  return row;
}

export async function deleteContact(db: DbOrTx, orgId: string, id: string): Promise<boolean> {
  const rows = await db.delete(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, id))).returning({ id: contacts.id });
  return rows.length > 0;
}

export async function channelsOf(db: DbOrTx, orgId: string, contactIds: string[]): Promise<ContactChannelRow[]> {
  if (!contactIds.length) return [];
  return db
    .select()
    .from(contactChannels)
    .where(and(eq(contactChannels.orgId, orgId), inArray(contactChannels.contactId, contactIds)))
    .orderBy(asc(contactChannels.createdAt), asc(contactChannels.id));
}

/** The channel, or undefined when that identity is already taken (by anyone in the org). */
export async function insertChannel(db: DbOrTx, row: typeof contactChannels.$inferInsert): Promise<ContactChannelRow | undefined> {
  const [created] = await db.insert(contactChannels).values(row).onConflictDoNothing().returning();
  return created;
}

export async function findChannelByIdentity(db: DbOrTx, orgId: string, type: string, userId: string): Promise<ContactChannelRow | undefined> {
  const [row] = await db
    .select()
    .from(contactChannels)
    .where(and(eq(contactChannels.orgId, orgId), eq(contactChannels.type, type as ContactChannelRow['type']), eq(contactChannels.userId, userId)))
    .limit(1);
  return row;
}

export async function findChannel(db: DbOrTx, orgId: string, contactId: string, channelId: string): Promise<ContactChannelRow | undefined> {
  const [row] = await db
    .select()
    .from(contactChannels)
    .where(and(eq(contactChannels.orgId, orgId), eq(contactChannels.contactId, contactId), eq(contactChannels.id, channelId)))
    .limit(1);
  return row;
}

export async function updateChannel(
  db: DbOrTx,
  orgId: string,
  channelId: string,
  patch: Partial<Pick<ContactChannelRow, 'name' | 'username' | 'email' | 'phone' | 'avatar' | 'language'>>,
): Promise<ContactChannelRow | undefined> {
  const [row] = await db
    .update(contactChannels)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(contactChannels.orgId, orgId), eq(contactChannels.id, channelId)))
    .returning();
  return row;
}

export type SegmentWithCount = SegmentRow & { contactsCount: number };

export const contactsCount = sql<number>`(select count(*) from ${contactSegments} c2 where c2.segment_id = ${segments.id})::int`;

/** The segments of each contact, by name, with their contact counts. */
export async function segmentsOf(db: DbOrTx, orgId: string, contactIds: string[]): Promise<Array<{ contactId: string; segment: SegmentWithCount }>> {
  if (!contactIds.length) return [];
  const rows = await db
    .select({ contactId: contactSegments.contactId, segment: segments, contactsCount })
    .from(contactSegments)
    .innerJoin(segments, eq(segments.id, contactSegments.segmentId))
    .where(and(eq(contactSegments.orgId, orgId), inArray(contactSegments.contactId, contactIds)))
    .orderBy(asc(segments.name), asc(segments.id));
  return rows.map((r) => ({ contactId: r.contactId, segment: { ...r.segment, contactsCount: r.contactsCount } }));
}

/** Adds the memberships; returns the segment ids that were new. */
export async function addMemberships(db: DbOrTx, orgId: string, contactId: string, segmentIds: string[]): Promise<string[]> {
  if (!segmentIds.length) return [];
  const rows = await db
    .insert(contactSegments)
    .values(segmentIds.map((segmentId) => ({ contactId, segmentId, orgId })))
    .onConflictDoNothing()
    .returning({ segmentId: contactSegments.segmentId });
  return rows.map((r) => r.segmentId);
}

export async function removeMembership(db: DbOrTx, orgId: string, contactId: string, segmentId: string): Promise<boolean> {
  const rows = await db
    .delete(contactSegments)
    .where(and(eq(contactSegments.orgId, orgId), eq(contactSegments.contactId, contactId), eq(contactSegments.segmentId, segmentId)))
    .returning({ id: contactSegments.segmentId });
  return rows.length > 0;
}

/** Moves everything of `fromId` to `toId` (a merge): channels, segment memberships and chats. */
export async function moveContactRecords(db: DbOrTx, orgId: string, fromId: string, toId: string): Promise<{ channels: number; chats: number }> {
  const moved = await db
    .update(contactChannels)
    .set({ contactId: toId, updatedAt: new Date() })
    .where(and(eq(contactChannels.orgId, orgId), eq(contactChannels.contactId, fromId)))
    .returning({ id: contactChannels.id });
  await db.execute(sql`
    insert into ${contactSegments} (contact_id, segment_id, org_id, created_at)
    select ${toId}, segment_id, org_id, created_at from ${contactSegments} where org_id = ${orgId} and contact_id = ${fromId}
    on conflict do nothing`);
  const movedChats = await db
    .update(chats)
    .set({ contactId: toId })
    .where(and(eq(chats.orgId, orgId), eq(chats.contactId, fromId)))
    .returning({ id: chats.id });
  return { channels: moved.length, chats: movedChats.length };
}
