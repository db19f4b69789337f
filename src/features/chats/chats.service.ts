import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import { notFound } from '../../lib/errors.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import * as repo from './chats.repo.ts';
import type { Turn } from './run-recorder.ts';
import type { Chat, Message } from './chats.schemas.ts';
import { textOf, toChat, toMessage } from './chat-views.ts';
import { membersById } from './chat-state.repo.ts';
import { latestMemory } from './memories.repo.ts';

export type ChatsService = ReturnType<typeof createChatsService>;


export function createChatsService(deps: {
  db: Db;
  events: EventLog;
  resolveReach: (keyOrgId: string, orgId: string) => Promise<string>;
  /** Waits for runtime calls still being recorded, so reads see every finished call. */
  settle: () => Promise<void>;
}) {
  const { db } = deps;

  /** A chat the caller's key reaches (its org or a descendant), else 404 like a missing chat. */
  async function reachable(keyOrgId: string, chatId: string): Promise<repo.ChatView> {
    await deps.settle();
    const row = await repo.findChat(db, chatId);
    if (!row) throw notFound('Chat');
    await deps.resolveReach(keyOrgId, row.orgId).catch(() => {
      throw notFound('Chat');
    });
    return row;
  }

  return {
    reachable,

    async list(orgId: string, filter: { assistantId?: string }, q: PageQuery): Promise<Page<Chat>> {
      await deps.settle();
      const [rows, count] = await repo.listChats(db, orgId, filter, q);
      return { items: rows.map(toChat), count, ...q };
    },

    async get(keyOrgId: string, chatId: string): Promise<Chat> {
      return toChat(await reachable(keyOrgId, chatId));
    },

    async update(keyOrgId: string, chatId: string, patch: { title?: string; pinned?: boolean }, actor: Actor = SYSTEM_ACTOR): Promise<Chat> {
      const chat = await reachable(keyOrgId, chatId);
      return deps.events.transaction(actor, async (tx, emit) => {
        const updated = await repo.updateChat(tx, chat.orgId, chatId, patch);
        if (!updated) throw notFound('Chat');
        const row = { ...updated, assignee: chat.assignee };
        const changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
        emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed } });
        return toChat(row);
      });
    },

    async remove(keyOrgId: string, chatId: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      const chat = await reachable(keyOrgId, chatId);
      await deps.events.transaction(actor, async (tx, emit) => {
        if (!(await repo.deleteChat(tx, chat.orgId, chatId))) throw notFound('Chat');
        emit({ type: 'chat.deleted', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId } });
      });
    },

    async messages(keyOrgId: string, chatId: string, q: PageQuery & { fromDate?: Date }): Promise<Page<Message>> {
      const chat = await reachable(keyOrgId, chatId);
      const [rows, count] = await repo.listMessages(db, chat.orgId, chatId, q);
      const authors = await membersById(db, chat.orgId, rows.flatMap((r) => (r.memberId ? [r.memberId] : [])));
      return { items: rows.map((r) => toMessage(r, r.memberId ? (authors.get(r.memberId) ?? null) : null)), count, page: q.page, take: q.take };
    },

    /**
     * Earlier turns of a chat of this assistant, for continuing it, with the chat itself (its state decides
     * whether the assistant answers); 404 when it is not one. Team replies are turns too: the assistant
     * that takes a chat back answers with what the person said in context.
     */
    async historyOf(
      orgId: string,
      assistantId: string,
      chatId: string,
      maxTurns: number,
    ): Promise<{ chat: repo.ChatView; turns: Turn[]; memory?: { summary: string; truncated: boolean } }> {
      await deps.settle();
      const chat = await repo.findChat(db, chatId);
      if (!chat || chat.orgId !== orgId || chat.assistantId !== assistantId) throw notFound('Chat');
      // Only a chat that was ever summarised can have a memory: the others pay no extra query.
      const [rows, latest] = await Promise.all([
        repo.completedTurns(db, orgId, chatId, maxTurns),
        chat.memorizedCount > 0 ? latestMemory(db, orgId, chatId) : undefined,
      ]);
      const turns = rows
        .map((r) => ({ role: r.role as Turn['role'], content: textOf(r.parts) }))
        .filter((t) => t.content.length > 0);
      return { chat, turns, ...(latest && { memory: { summary: latest.summary, truncated: rows.length >= maxTurns } }) };
    },

    /** The latest message the customer wrote in the chat (what a channel just posted). */
    async lastCustomerMessage(orgId: string, chatId: string): Promise<Message | undefined> {
      const row = await repo.lastMessageOfRole(db, orgId, chatId, 'user');
      return row ? toMessage(row) : undefined;
    },

    /** Fails replies left RUNNING by a process that died; returns how many. */
    async failInterruptedRuns(which: Parameters<typeof repo.failInterruptedRuns>[1]): Promise<number> {
      return deps.events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        const failed = await repo.failInterruptedRuns(tx, which);
        for (const m of failed) {
          emit({ type: 'message.updated', orgId: m.orgId, subjectId: m.id, data: { chat_id: m.chatId, message_id: m.id, status: 'FAILED' } });
        }
        return failed.length;
      });
    },

    /** One message of the org as the API shows it, or null (webhook payloads carry it). */
    async message(orgId: string, messageId: string): Promise<Message | null> {
      await deps.settle();
      const row = await repo.findMessage(db, orgId, messageId);
      if (!row) return null;
      const author = row.memberId ? (await membersById(db, orgId, [row.memberId])).get(row.memberId) : undefined;
      return toMessage(row, author ?? null);
    },

    /** One chat of the org, or null. */
    async find(orgId: string, chatId: string): Promise<Chat | null> {
      const row = await repo.findChat(db, chatId);
      return row && row.orgId === orgId ? toChat(row) : null;
    },
  };
}
