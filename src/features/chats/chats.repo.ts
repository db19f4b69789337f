import { and, asc, count, desc, eq, gte, inArray, isNull, lt, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chats, type ChatRow, instances, members, messages, type MessageRow, users } from '../../db/schema.ts';
import { type PageQuery, pageOffset } from '../../lib/pagination.ts';

/** A chat with the member it is assigned to (name and email, for the chat's `state`). */
export type ChatView = ChatRow & { assignee: { id: string; name: string; email: string } | null };

const viewColumns = { chat: chats, assigneeName: users.name, assigneeEmail: users.email };
const withAssignee = (r: { chat: ChatRow; assigneeName: string | null; assigneeEmail: string | null }): ChatView => ({
  ...r.chat,
  assignee: r.chat.assignedMemberId && r.assigneeName !== null ? { id: r.chat.assignedMemberId, name: r.assigneeName, email: r.assigneeEmail ?? '' } : null,
});

export async function findChat(db: DbOrTx, chatId: string): Promise<ChatView | undefined> {
  const [row] = await db
    .select(viewColumns)
    .from(chats)
    .leftJoin(members, eq(members.id, chats.assignedMemberId))
    .leftJoin(users, eq(users.id, members.userId))
    .where(eq(chats.id, chatId))
    .limit(1);
  return row ? withAssignee(row) : undefined;
}

export async function listChats(
  db: DbOrTx,
  orgId: string,
  filter: { assistantId?: string },
  q: PageQuery,
): Promise<[ChatView[], number]> {
  const where = filter.assistantId ? and(eq(chats.orgId, orgId), eq(chats.assistantId, filter.assistantId)) : eq(chats.orgId, orgId);
  return pageOfChats(db, where, q);
}

/** One page of chats matching `where`, most recently active first, with their assignees; and how many match. */
export async function pageOfChats(db: DbOrTx, where: SQL | undefined, q: PageQuery): Promise<[ChatView[], number]> {
  const [items, [total]] = await Promise.all([
    db
      .select(viewColumns)
      .from(chats)
      .leftJoin(members, eq(members.id, chats.assignedMemberId))
      .leftJoin(users, eq(users.id, members.userId))
      .where(where)
      .orderBy(desc(chats.lastMessageAt), desc(chats.id))
      .limit(q.take)
      .offset(pageOffset(q)),
    db.select({ n: count() }).from(chats).where(where),
  ]);
  return [items.map(withAssignee), total?.n ?? 0];
}

export async function updateChat(
  db: DbOrTx,
  orgId: string,
  chatId: string,
  patch: Partial<Pick<ChatRow, 'title' | 'pinned' | 'status' | 'messagesCount' | 'lastMessageAt'>>,
): Promise<ChatRow | undefined> {
  const [row] = await db
    .update(chats)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId)))
    .returning();
  return row;
}

/** Deletes the chat and its messages (which have no foreign key to it) in one statement. */
export async function deleteChat(db: DbOrTx, orgId: string, chatId: string): Promise<boolean> {
  const result = await db.execute(sql`
    with thread as (delete from ${messages} where chat_id = ${chatId} and org_id = ${orgId})
    delete from ${chats} where org_id = ${orgId} and id = ${chatId} returning id`);
  return (result as unknown as { rows: unknown[] }).rows.length > 0;
}

export async function insertChat(db: DbOrTx, row: typeof chats.$inferInsert): Promise<void> {
  await db.insert(chats).values(row);
}

export async function updateMessage(
  db: DbOrTx,
  orgId: string,
  messageId: string,
  patch: Partial<Pick<MessageRow, 'parts' | 'status' | 'usage' | 'latencyMs' | 'error' | 'model' | 'createdAt'>>,
): Promise<void> {
  await db
    .update(messages)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(messages.orgId, orgId), eq(messages.id, messageId)));
}

export async function listMessages(db: DbOrTx, orgId: string, chatId: string, q: PageQuery & { fromDate?: Date }): Promise<[MessageRow[], number]> {
  const where = and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), q.fromDate ? gte(messages.createdAt, q.fromDate) : undefined);
  const [items, [total]] = await Promise.all([
    db.select().from(messages).where(where).orderBy(asc(messages.createdAt), asc(messages.id)).limit(q.take).offset(pageOffset(q)),
    db.select({ n: count() }).from(messages).where(where),
  ]);
  return [items, total?.n ?? 0];
}

/** The conversation so far, oldest first, for continuing a chat (completed turns only). */
export async function completedTurns(db: DbOrTx, orgId: string, chatId: string, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), sql`${messages.role} in ('user', 'assistant') and ${messages.status} in ('COMPLETED', 'CANCELED')`))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

const INTERRUPTED = 'interrupted: the server stopped during generation';

/**
 * Marks FAILED the replies (and their chats) that no live process will finish: every RUNNING one
 * (`{ all: true }`, for an embedded database at boot: its one process is this one), or those of
 * instances silent since `aliveSince`, plus rows without an instance older than `legacyBefore`
 * (written before replies carried their instance).
 */
export async function failInterruptedRuns(
  db: DbOrTx,
  which: { all: true } | { aliveSince: Date; legacyBefore: Date },
): Promise<Array<{ id: string; chatId: string; orgId: string }>> {
  const orphaned =
    'all' in which
      ? undefined
      : or(
          and(isNull(messages.instanceId), lt(messages.createdAt, which.legacyBefore)),
          notInArray(messages.instanceId, db.select({ id: instances.id }).from(instances).where(gte(instances.heartbeatAt, which.aliveSince))),
        );
  const rows = await db
    .update(messages)
    .set({ status: 'FAILED', error: INTERRUPTED, updatedAt: new Date() })
    .where(and(eq(messages.status, 'RUNNING'), orphaned))
    .returning({ id: messages.id, chatId: messages.chatId, orgId: messages.orgId });
  const chatIds = [...new Set(rows.map((r) => r.chatId))];
  if (chatIds.length) {
    await db
      .update(chats)
      .set({ status: 'FAILED', updatedAt: new Date() })
      .where(and(inArray(chats.id, chatIds), eq(chats.status, 'RUNNING')));
  }
  return rows;
}

export async function findMessage(db: DbOrTx, orgId: string, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await db.select().from(messages).where(and(eq(messages.orgId, orgId), eq(messages.id, messageId))).limit(1);
  return row;
}

export async function lastMessageOfRole(db: DbOrTx, orgId: string, chatId: string, role: MessageRow['role']): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), eq(messages.role, role)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row;
}
