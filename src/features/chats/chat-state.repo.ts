import { and, asc, count, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import { chats, type ChatRow, members, messages, type MessageRow, users } from '../../db/schema.ts';
import { ROLE_PERMISSIONS, type Role } from '../../http/permissions.ts';

export type ChatStatePatch = Partial<
  Pick<
    ChatRow,
    | 'state'
    | 'snoozedUntil'
    | 'aiEnabled'
    | 'handoverAt'
    | 'assignedMemberId'
    | 'assignedAt'
    | 'adminUnseenCount'
    | 'userUnseenCount'
    | 'followUpAt'
    | 'mutedUntil'
    | 'csatScore'
    | 'csatRequestedAt'
    | 'resolvedAt'
    | 'lastMessageAt'
    | 'messagesCount'
    | 'updatedAt'
  >
>;

export async function setChatState(db: DbOrTx, orgId: string, chatId: string, set: ChatStatePatch): Promise<ChatRow | undefined> {
  const [row] = await db
    .update(chats)
    .set({ updatedAt: new Date(), ...set })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId)))
    .returning();
  return row;
}

/** Counts one more message in the chat (and, for the given side, one more it has not seen). */
export async function countMessage(db: DbOrTx, orgId: string, chatId: string, unseenBy: 'admin' | 'user' | null, at: Date): Promise<void> {
  await db
    .update(chats)
    .set({
      messagesCount: sql`${chats.messagesCount} + 1`,
      lastMessageAt: at,
      updatedAt: at,
      ...(unseenBy === 'admin' && { adminUnseenCount: sql`${chats.adminUnseenCount} + 1` }),
      ...(unseenBy === 'user' && { userUnseenCount: sql`${chats.userUnseenCount} + 1` }),
    })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId)));
}

/** A CSAT request was written: one more message, unseen by the customer; it is not activity (`last_message_at` stays). */
export async function markCsatRequested(db: DbOrTx, orgId: string, chatId: string, at: Date): Promise<void> {
  await db
    .update(chats)
    .set({
      csatRequestedAt: at,
      messagesCount: sql`${chats.messagesCount} + 1`,
      userUnseenCount: sql`${chats.userUnseenCount} + 1`,
      updatedAt: at,
    })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId)));
}

export async function addToMessageCount(db: DbOrTx, orgId: string, chatId: string, n: number): Promise<void> {
  await db
    .update(chats)
    .set({ messagesCount: sql`${chats.messagesCount} + ${n}` })
    .where(and(eq(chats.orgId, orgId), eq(chats.id, chatId)));
}

export async function insertMessages(db: DbOrTx, rows: Array<typeof messages.$inferInsert>): Promise<MessageRow[]> {
  return rows.length ? db.insert(messages).values(rows).returning() : [];
}

export async function findMessage(db: DbOrTx, orgId: string, chatId: string, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), eq(messages.id, messageId)))
    .limit(1);
  return row;
}

export async function updateMessageParts(db: DbOrTx, orgId: string, messageId: string, parts: MessageRow['parts']): Promise<MessageRow | undefined> {
  const [row] = await db
    .update(messages)
    .set({ parts, updatedAt: new Date() })
    .where(and(eq(messages.orgId, orgId), eq(messages.id, messageId)))
    .returning();
  return row;
}

export async function deleteMessage(db: DbOrTx, orgId: string, chatId: string, messageId: string): Promise<boolean> {
  const rows = await db
    .delete(messages)
    .where(and(eq(messages.orgId, orgId), eq(messages.chatId, chatId), eq(messages.id, messageId)))
    .returning({ id: messages.id });
  if (rows.length) {
    await db.update(chats).set({ messagesCount: sql`greatest(${chats.messagesCount} - 1, 0)` }).where(eq(chats.id, chatId));
  }
  return rows.length > 0;
}

export interface MemberRef {
  id: string;
  name: string;
  email: string;
}

/** A member of the org, with the user's name and email. */
export async function findMemberRef(db: DbOrTx, orgId: string, memberId: string): Promise<(MemberRef & { role: Role }) | undefined> {
  const [row] = await db
    .select({ id: members.id, name: users.name, email: users.email, role: members.role })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), eq(members.id, memberId)))
    .limit(1);
  return row;
}

/** The membership of a signed-in user in the org (the author of what they write there). */
export async function memberOfUser(db: DbOrTx, orgId: string, userId: string): Promise<MemberRef | undefined> {
  const [row] = await db
    .select({ id: members.id, name: users.name, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), eq(members.userId, userId)))
    .limit(1);
  return row;
}

/** Roles that work conversations (hold `chats:write`): the members a chat can be assigned to. */
export const INBOX_ROLES = (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) => ROLE_PERMISSIONS[r].includes('chats:write'));

/**
 * The ACTIVE inbox member with the fewest open chats assigned, ties going to the one assigned longest ago
 * (so equal loads take turns): least-busy, then round-robin.
 */
export async function leastBusyMember(db: DbOrTx, orgId: string, among: readonly string[] = []): Promise<MemberRef | undefined> {
  const load = db
    .select({
      memberId: chats.assignedMemberId,
      open: count().as('open'),
      lastAssigned: sql<Date>`max(${chats.assignedAt})`.as('last_assigned'),
    })
    .from(chats)
    .where(and(eq(chats.orgId, orgId), eq(chats.state, 'OPEN')))
    .groupBy(chats.assignedMemberId)
    .as('load');
  const [row] = await db
    .select({ id: members.id, name: users.name, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .leftJoin(load, eq(load.memberId, members.id))
    .where(and(eq(members.orgId, orgId), eq(members.status, 'ACTIVE'), sql`${members.role} in ${INBOX_ROLES}`, among.length ? inArray(members.id, [...among]) : undefined))
    .orderBy(sql`coalesce(${load.open}, 0)`, sql`${load.lastAssigned} asc nulls first`, asc(members.createdAt))
    .limit(1);
  return row;
}

/** Members by id (the authors of a page of messages), in one query. */
export async function membersById(db: DbOrTx, orgId: string, ids: string[]): Promise<Map<string, MemberRef>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: members.id, name: users.name, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), inArray(members.id, [...new Set(ids)])));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The newest chat after `chat` with the same contact and assistant (where the conversation went on). */
export async function newerChatOf(db: DbOrTx, chat: Pick<ChatRow, 'orgId' | 'assistantId' | 'contactId' | 'createdAt'>): Promise<string | null> {
  if (!chat.contactId) return null;
  const [row] = await db
    .select({ id: chats.id })
    .from(chats)
    .where(and(eq(chats.orgId, chat.orgId), eq(chats.contactId, chat.contactId), eq(chats.assistantId, chat.assistantId), gt(chats.createdAt, chat.createdAt)))
    .orderBy(desc(chats.createdAt), desc(chats.id))
    .limit(1);
  return row?.id ?? null;
}

/** The ids among `ids` that are not members of the org who work conversations. */
export async function unknownInboxMembers(db: DbOrTx, orgId: string, ids: string[]): Promise<string[]> {
  const found = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.orgId, orgId), inArray(members.id, [...new Set(ids)]), sql`${members.role} in ${INBOX_ROLES}`));
  const known = new Set(found.map((r) => r.id));
  return [...new Set(ids)].filter((id) => !known.has(id));
}
