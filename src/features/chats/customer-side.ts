import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { chats, messages } from '../../db/schema.ts';
import type { Actor } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import { notFound } from '../../lib/errors.ts';
import { type Page, type PageQuery, pageOffset } from '../../lib/pagination.ts';
import * as repo from './chats.repo.ts';
import * as state from './chat-state.repo.ts';
import type { CustomerChatState, CustomerMessage } from './chats.schemas.ts';
import { toCustomerMessage, toCustomerState } from './chat-views.ts';

/** Whose chats a customer-side caller may see: one contact's, with one assistant. */
export interface CustomerScope {
  orgId: string;
  assistantId: string;
  /** null: the visitor has not written yet, so has no chats. */
  contactId: string | null;
}

export interface CustomerChat {
  id: string;
  title: string;
  state: CustomerChatState;
  last_message: CustomerMessage | null;
  last_message_at: string;
  created_at: string;
}

export type CustomerSide = ReturnType<typeof createCustomerSide>;

const VISIBLE = sql`${messages.role} in ('user', 'assistant')`;

/**
 * Chats as their customer sees them (the web widget's visitor API): only their own chats with the
 * assistant, only the messages meant for them, and the few things they may do to a chat.
 */
export function createCustomerSide(deps: {
  db: Db;
  events: EventLog;
  /** Records the customer's answer to a rating request (chat-state.service's `customerRated`). */
  rate: (orgId: string, assistantId: string, chatId: string, score: number, actor: Actor) => Promise<unknown>;
  /** Flushes the run recorder: a chat whose first reply just streamed may still be in its group commit. */
  settle: () => Promise<void>;
}) {
  const { db, events } = deps;

  /** The chat, when it is this customer's; 404 like a missing one otherwise. */
  async function own(scope: CustomerScope, chatId: string): Promise<repo.ChatView> {
    if (!scope.contactId) throw notFound('Chat');
    // A miss may be a chat still in the recorder's group commit (its reply streamed a moment ago): settle, look again.
    const chat = (await repo.findChat(db, chatId)) ?? (await deps.settle().then(() => repo.findChat(db, chatId)));
    if (!chat || chat.orgId !== scope.orgId || chat.assistantId !== scope.assistantId || chat.contactId !== scope.contactId) throw notFound('Chat');
    return chat;
  }

  async function withMembers(orgId: string, rows: (typeof messages.$inferSelect)[]): Promise<CustomerMessage[]> {
    const authors = await state.membersById(db, orgId, rows.flatMap((r) => (r.memberId ? [r.memberId] : [])));
    return rows.flatMap((r) => {
      const m = toCustomerMessage(r, r.memberId ? (authors.get(r.memberId) ?? null) : null);
      return m ? [m] : [];
    });
  }

  return {
    own,

    /** The customer's chats with the assistant, most recently active first, each with its last visible message. */
    async chats(scope: CustomerScope, q: PageQuery): Promise<Page<CustomerChat>> {
      if (!scope.contactId) return { items: [], count: 0, ...q };
      // A chat whose first reply streamed a moment ago may still be in the recorder's group commit.
      await deps.settle();
      const [rows, total] = await repo.pageOfChats(
        db,
        and(eq(chats.orgId, scope.orgId), eq(chats.assistantId, scope.assistantId), eq(chats.contactId, scope.contactId)),
        q,
      );
      const ids = rows.map((r) => r.id);
      const last = ids.length
        ? await db
            .selectDistinctOn([messages.chatId])
            .from(messages)
            .where(and(eq(messages.orgId, scope.orgId), inArray(messages.chatId, ids), VISIBLE))
            .orderBy(messages.chatId, sql`${messages.createdAt} desc`, sql`${messages.id} desc`)
        : [];
      const lastShown = new Map((await withMembers(scope.orgId, last)).map((m) => [m.chat_id, m]));
      const items = rows.map((row) => ({
        id: row.id,
        title: row.title,
        state: toCustomerState(row),
        last_message: lastShown.get(row.id) ?? null,
        last_message_at: row.lastMessageAt.toISOString(),
        created_at: row.createdAt.toISOString(),
      }));
      return { items, count: total, ...q };
    },

    /** The messages of one of the customer's chats, oldest first. */
    async messages(scope: CustomerScope, chatId: string, q: PageQuery): Promise<Page<CustomerMessage>> {
      const chat = await own(scope, chatId);
      const where = and(eq(messages.orgId, chat.orgId), eq(messages.chatId, chat.id), VISIBLE);
      const read = () =>
        Promise.all([
          db.select().from(messages).where(where).orderBy(asc(messages.createdAt), asc(messages.id)).limit(q.take).offset(pageOffset(q)),
          db.select({ n: count() }).from(messages).where(where),
        ]);
      let [rows, [total]] = await read();
      // A reply that just finished streaming may still be RUNNING here until the recorder's group commit lands.
      if (rows.some((r) => r.status === 'RUNNING')) [rows, [total]] = await deps.settle().then(read);
      return { items: await withMembers(chat.orgId, rows), count: total?.n ?? 0, ...q };
    },

    /** The customer read the team's replies: their unseen count goes back to 0. */
    async seen(scope: CustomerScope, chatId: string, actor: Actor): Promise<CustomerChatState> {
      const chat = await own(scope, chatId);
      if (chat.userUnseenCount === 0) return toCustomerState(chat);
      return events.transaction(actor, async (tx, emit) => {
        await state.setChatState(tx, chat.orgId, chat.id, { userUnseenCount: 0 });
        emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chat.id, data: { chat_id: chat.id, changed: ['user_unseen_count'] } });
        return toCustomerState((await repo.findChat(tx, chat.id))!);
      });
    },

    /** The customer answers the chat's rating request, 1 to 5 (again, to change their mind). */
    async rate(scope: CustomerScope, chatId: string, score: number, actor: Actor): Promise<CustomerChatState> {
      const chat = await own(scope, chatId);
      await deps.rate(chat.orgId, chat.assistantId, chat.id, score, actor);
      return toCustomerState((await repo.findChat(db, chat.id))!);
    },
  };
}
