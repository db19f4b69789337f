import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chatMemories, type ChatMemoryRow, chats, messages, type MessageRow, usageRecords } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

/**
 * What memories count and summarise: the customer's messages and the replies (the assistant's and the team's),
 * not `event` lines, notes, or Parley's own requests (CSAT).
 */
const conversational = sql`${messages.role} in ('user', 'assistant') and ${messages.kind} is null`;

export async function listMemories(db: DbOrTx, orgId: string, chatId: string, q: PageQuery): Promise<[ChatMemoryRow[], number]> {
  const where = and(eq(chatMemories.orgId, orgId), eq(chatMemories.chatId, chatId));
  const [items, [total]] = await Promise.all([
    db.select().from(chatMemories).where(where).orderBy(desc(chatMemories.messageCount)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(chatMemories).where(where),
  ]);
  return [items, total?.n ?? 0];
}

export async function latestMemory(db: DbOrTx, orgId: string, chatId: string): Promise<ChatMemoryRow | undefined> {
  const [row] = await db
    .select()
    .from(chatMemories)
    .where(and(eq(chatMemories.orgId, orgId), eq(chatMemories.chatId, chatId)))
    .orderBy(desc(chatMemories.messageCount))
    .limit(1);
  return row;
}

/** Deletes one memory, or all of a chat's (`memoryId` undefined); returns the ids that went. */
export async function deleteMemories(db: DbOrTx, orgId: string, chatId: string, memoryId?: string): Promise<string[]> {
  const rows = await db
    .delete(chatMemories)
    .where(and(eq(chatMemories.orgId, orgId), eq(chatMemories.chatId, chatId), memoryId === undefined ? undefined : eq(chatMemories.id, memoryId)))
    .returning({ id: chatMemories.id });
  return rows.map((r) => r.id);
}

export async function insertMemory(db: DbOrTx, row: typeof chatMemories.$inferInsert): Promise<void> {
  await db.insert(chatMemories).values(row).onConflictDoNothing();
}

/** The model call that wrote a summary, in the org's usage (and so in its token budget) like a runtime call. */
export async function insertSummaryUsage(db: DbOrTx, row: typeof usageRecords.$inferInsert): Promise<void> {
  await db.insert(usageRecords).values(row);
}

/** Conversational messages `offset` to `offset + limit` of the chat, oldest first. */
export async function conversationSlice(db: DbOrTx, orgId: string, chatId: string, offset: number, limit: number): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), conversational))
    .orderBy(asc(messages.createdAt), asc(messages.id))
    .limit(limit)
    .offset(offset);
}

/**
 * Of these chats, those of these assistants holding at least 10 conversational messages beyond what is summarised,
 * with their counts.
 */
export async function chatsDueMemory(
  db: DbOrTx,
  chatIds: string[],
  assistantIds: string[],
): Promise<Array<{ id: string; orgId: string; memorized: number; total: number }>> {
  if (chatIds.length === 0 || assistantIds.length === 0) return [];
  const rows = await db
    .select({ id: chats.id, orgId: chats.orgId, memorized: chats.memorizedCount, total: count(messages.id) })
    .from(chats)
    .innerJoin(messages, and(eq(messages.chatId, chats.id), conversational))
    .where(and(inArray(chats.id, chatIds), inArray(chats.assistantId, assistantIds)))
    .groupBy(chats.id)
    .having(sql`count(${messages.id}) >= ${chats.memorizedCount} + 10`);
  return rows.map((r) => ({ ...r, total: Number(r.total) }));
}

/** Moves the chat's summarised count from `from` to `to`; false when another run moved it first. */
export async function advanceMemorized(db: DbOrTx, orgId: string, chatId: string, from: number, to: number): Promise<boolean> {
  const rows = await db
    .update(chats)
    .set({ memorizedCount: to })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId), eq(chats.memorizedCount, from)))
    .returning({ id: chats.id });
  return rows.length > 0;
}
