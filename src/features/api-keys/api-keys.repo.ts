import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { apiKeys, type ApiKeyRow } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

export async function insertKey(db: DbOrTx, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [created] = await db.insert(apiKeys).values(row).returning();
  return created!;
}

/** Looks a key up by the hash of its secret. Not org-scoped: this is how the org is learnt. */
export async function findByHash(db: DbOrTx, keyHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).limit(1);
  return row;
}

const active = (orgId: string) => and(eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt));

export async function listKeys(db: DbOrTx, orgId: string, q: PageQuery): Promise<[ApiKeyRow[], number]> {
  const [items, [total]] = await Promise.all([
    db.select().from(apiKeys).where(active(orgId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(apiKeys).where(active(orgId)),
  ]);
  return [items, total?.n ?? 0];
}

export async function revokeKey(db: DbOrTx, orgId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(active(orgId), eq(apiKeys.id, keyId)))
    .returning();
  return row;
}

/** Revokes by id alone: for the operator CLI, which acts outside any tenant. */
export async function revokeKeyById(db: DbOrTx, keyId: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}

export async function listAllKeys(db: DbOrTx, orgId?: string): Promise<ApiKeyRow[]> {
  const where = orgId ? and(isNull(apiKeys.revokedAt), eq(apiKeys.orgId, orgId)) : isNull(apiKeys.revokedAt);
  return db.select().from(apiKeys).where(where).orderBy(apiKeys.createdAt);
}

/** One statement for a batch of last-used times. */
export async function touchKeys(db: DbOrTx, usage: Array<[string, Date]>): Promise<void> {
  if (usage.length === 0) return;
  const values = sql.join(
    usage.map(([id, at]) => sql`(${id}, ${at.toISOString()}::timestamptz)`),
    sql`, `,
  );
  await db.execute(sql`
    update ${apiKeys} set last_used_at = greatest(${apiKeys.lastUsedAt}, v.at)
    from (values ${values}) as v(id, at)
    where ${apiKeys.id} = v.id`);
}
