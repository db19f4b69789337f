import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { assistants, type AssistantRow } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

const live = (orgId: string) => and(eq(assistants.orgId, orgId), isNull(assistants.deletedAt));

export async function insertAssistant(db: DbOrTx, row: typeof assistants.$inferInsert): Promise<AssistantRow> {
  const [created] = await db.insert(assistants).values(row).returning();
  return created!;
}

export async function findAssistant(db: DbOrTx, orgId: string, id: string): Promise<AssistantRow | undefined> {
  const [row] = await db
    .select()
    .from(assistants)
    .where(and(live(orgId), eq(assistants.id, id)))
    .limit(1);
  return row;
}

export async function listAssistants(db: DbOrTx, orgId: string, q: PageQuery): Promise<[AssistantRow[], number]> {
  const [items, [total]] = await Promise.all([
    db.select().from(assistants).where(live(orgId)).orderBy(desc(assistants.createdAt), desc(assistants.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(assistants).where(live(orgId)),
  ]);
  return [items, total?.n ?? 0];
}

export async function updateAssistant(
  db: DbOrTx,
  orgId: string,
  id: string,
  patch: Partial<Pick<AssistantRow, 'name' | 'enabled' | 'avatarUrl' | 'secretKey' | 'config' | 'deletedAt'>>,
): Promise<AssistantRow | undefined> {
  const [row] = await db
    .update(assistants)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(live(orgId), eq(assistants.id, id)))
    .returning();
  return row;
}

/**
 * By id alone, for the runtime API: the agent id is what tells the org there, and the caller's
 * reach to that org is checked right after.
 */
export async function findLiveAssistantById(db: DbOrTx, id: string): Promise<AssistantRow | undefined> {
  const [row] = await db
    .select()
    .from(assistants)
    .where(and(eq(assistants.id, id), isNull(assistants.deletedAt)))
    .limit(1);
  return row;
}

/** Live assistants whose stored `config.conversation[flag]` is true. */
export async function liveWithConversationFlag(db: DbOrTx, flag: string): Promise<AssistantRow[]> {
  return db
    .select()
    .from(assistants)
    .where(and(isNull(assistants.deletedAt), sql`${assistants.config} -> 'conversation' ->> ${flag} = 'true'`));
}
