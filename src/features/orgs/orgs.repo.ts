import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chats, events, messages, orgs, type OrgRow, usageRecords } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

export async function insertOrg(db: DbOrTx, row: typeof orgs.$inferInsert): Promise<OrgRow> {
  const [created] = await db.insert(orgs).values(row).returning();
  return created!;
}

export async function findOrg(db: DbOrTx, orgId: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(orgs).where(eq(orgs.id, orgId)).limit(1);
  return row;
}

export async function listOrgs(db: DbOrTx): Promise<OrgRow[]> {
  return db.select().from(orgs).orderBy(orgs.createdAt);
}

export async function countOrgs(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(orgs);
  return row?.n ?? 0;
}

/** Direct children of `parentId`, newest first. */
export async function listChildren(db: DbOrTx, parentId: string, q: PageQuery): Promise<[OrgRow[], number]> {
  const where = eq(orgs.parentId, parentId);
  const [items, [total]] = await Promise.all([
    db.select().from(orgs).where(where).orderBy(desc(orgs.createdAt), desc(orgs.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(orgs).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function findChild(db: DbOrTx, parentId: string, childId: string): Promise<OrgRow | undefined> {
  const [row] = await db
    .select()
    .from(orgs)
    .where(and(eq(orgs.parentId, parentId), eq(orgs.id, childId)))
    .limit(1);
  return row;
}

export async function updateChild(
  db: DbOrTx,
  parentId: string,
  childId: string,
  patch: Partial<Pick<OrgRow, 'name' | 'logoUrl' | 'config' | 'monthlyTokenBudget'>>,
): Promise<OrgRow | undefined> {
  const [row] = await db
    .update(orgs)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(orgs.parentId, parentId), eq(orgs.id, childId)))
    .returning();
  return row;
}

/**
 * Deletes the child and, through ON DELETE CASCADE, everything it owns; the rows that carry no foreign key
 * (event logs, chats and their messages, usage records: see the schema) go in the same statement.
 */
export async function deleteChild(db: DbOrTx, parentId: string, childId: string): Promise<boolean> {
  const result = await db.execute(sql`
    with recursive subtree(id, depth) as (
      select id, 0 from ${orgs} where id = ${childId} and parent_id = ${parentId}
      union all
      select o.id, s.depth + 1 from ${orgs} o join subtree s on o.parent_id = s.id where s.depth < 32
    ),
    logs as (delete from ${events} where org_id in (select id from subtree)),
    thread as (delete from ${messages} m using ${chats} c where m.chat_id = c.id and c.org_id in (select id from subtree)),
    convo as (delete from ${chats} where org_id in (select id from subtree)),
    metered as (delete from ${usageRecords} where org_id in (select id from subtree))
    delete from ${orgs} where id = ${childId} and parent_id = ${parentId} returning id`);
  return (result as unknown as { rows: unknown[] }).rows.length > 0;
}

/** True when `orgId` is `ancestorId` itself or one of its descendants, at any depth. */
export async function isWithin(db: DbOrTx, ancestorId: string, orgId: string): Promise<boolean> {
  const result = await db.execute<{ found: number }>(sql`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from ${orgs} where id = ${orgId}
      union all
      select o.id, o.parent_id, up.depth + 1 from ${orgs} o join up on o.id = up.parent_id where up.depth < 32
    )
    select 1 as found from up where id = ${ancestorId} limit 1`);
  const rows = (result as unknown as { rows: unknown[] }).rows;
  return rows.length > 0;
}

export async function updateOrg(
  db: DbOrTx,
  orgId: string,
  patch: Partial<Pick<OrgRow, 'name' | 'logoUrl' | 'config' | 'monthlyTokenBudget'>>,
): Promise<OrgRow | undefined> {
  const [row] = await db
    .update(orgs)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(orgs.id, orgId))
    .returning();
  return row;
}
