import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { ChatRow, MessageRow } from '../../db/schema.ts';
import { notFound } from '../../lib/errors.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import * as repo from './chats.repo.ts';
import type { Turn } from './run-recorder.ts';
import type { Chat, Message } from './chats.schemas.ts';

export type ChatsService = ReturnType<typeof createChatsService>;


export const toChat = (row: ChatRow): Chat => ({
  id: row.id,
  org_id: row.orgId,
  assistant_id: row.assistantId,
  title: row.title,
  status: row.status,
  pinned: row.pinned,
  messages_count: row.messagesCount,
  last_message_at: row.lastMessageAt.toISOString(),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  chat_id: row.chatId,
  role: row.role,
  parts: row.parts,
  status: row.status,
  model: row.model,
  usage: row.usage
    ? { input_tokens: row.usage.prompt_tokens, output_tokens: row.usage.completion_tokens, total_tokens: row.usage.total_tokens }
    : null,
  latency_ms: row.latencyMs,
  error: row.error,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export function createChatsService(deps: {
  db: Db;
  events: EventLog;
  resolveReach: (keyOrgId: string, orgId: string) => Promise<string>;
  /** Waits for runtime calls still being recorded, so reads see every finished call. */
  settle: () => Promise<void>;
}) {
  const { db } = deps;

  /** A chat the caller's key reaches (its org or a descendant), else 404 like a missing chat. */
  async function reachable(keyOrgId: string, chatId: string): Promise<ChatRow> {
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
        const row = await repo.updateChat(tx, chat.orgId, chatId, patch);
        if (!row) throw notFound('Chat');
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

    async messages(keyOrgId: string, chatId: string, q: PageQuery): Promise<Page<Message>> {
      const chat = await reachable(keyOrgId, chatId);
      const [rows, count] = await repo.listMessages(db, chat.orgId, chatId, q);
      return { items: rows.map(toMessage), count, ...q };
    },

    /** Earlier turns of a chat of this assistant, for continuing it; 404 when it is not one. */
    async historyOf(orgId: string, assistantId: string, chatId: string, maxTurns: number): Promise<Turn[]> {
      await deps.settle();
      const chat = await repo.findChat(db, chatId);
      if (!chat || chat.orgId !== orgId || chat.assistantId !== assistantId) throw notFound('Chat');
      const rows = await repo.completedTurns(db, orgId, chatId, maxTurns);
      return rows
        .map((r) => ({ role: r.role, content: r.parts.map((p) => p.text).join('') }))
        .filter((t) => t.content.length > 0);
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
      return row ? toMessage(row) : null;
    },

    /** One chat of the org, or null. */
    async find(orgId: string, chatId: string): Promise<Chat | null> {
      const row = await repo.findChat(db, chatId);
      return row && row.orgId === orgId ? toChat(row) : null;
    },
  };
}
