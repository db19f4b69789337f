import { eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.ts';
import { chats, type ChatRow, type MessageRow, type RunStatus, type TokenUsage } from '../../db/schema.ts';
import { notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { Page, PageQuery } from '../../lib/pagination.ts';
import * as repo from './chats.repo.ts';
import type { Chat, Message } from './chats.schemas.ts';

export type ChatsService = ReturnType<typeof createChatsService>;

export interface Turn {
  role: 'user' | 'assistant';
  content: string;
}

export interface RunRef {
  orgId: string;
  chatId: string;
  assistantMessageId: string;
  isNewChat: boolean;
}

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

const titleOf = (text: string) => (text.length > 80 ? `${text.slice(0, 77).trimEnd()}...` : text);

export function createChatsService(deps: { db: Db; resolveReach: (keyOrgId: string, orgId: string) => Promise<string> }) {
  const { db } = deps;

  /** A chat the caller's key reaches (its org or a descendant), else 404 like a missing chat. */
  async function reachable(keyOrgId: string, chatId: string): Promise<ChatRow> {
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
      const [rows, count] = await repo.listChats(db, orgId, filter, q);
      return { items: rows.map(toChat), count, ...q };
    },

    async get(keyOrgId: string, chatId: string): Promise<Chat> {
      return toChat(await reachable(keyOrgId, chatId));
    },

    async update(keyOrgId: string, chatId: string, patch: { title?: string; pinned?: boolean }): Promise<Chat> {
      const chat = await reachable(keyOrgId, chatId);
      const row = await repo.updateChat(db, chat.orgId, chatId, patch);
      if (!row) throw notFound('Chat');
      return toChat(row);
    },

    async remove(keyOrgId: string, chatId: string): Promise<void> {
      const chat = await reachable(keyOrgId, chatId);
      if (!(await repo.deleteChat(db, chat.orgId, chatId))) throw notFound('Chat');
    },

    async messages(keyOrgId: string, chatId: string, q: PageQuery): Promise<Page<Message>> {
      const chat = await reachable(keyOrgId, chatId);
      const [rows, count] = await repo.listMessages(db, chat.orgId, chatId, q);
      return { items: rows.map(toMessage), count, ...q };
    },

    /** Earlier turns of a chat of this assistant, for continuing it; 404 when it is not one. */
    async historyOf(orgId: string, assistantId: string, chatId: string, maxTurns: number): Promise<Turn[]> {
      const chat = await repo.findChat(db, chatId);
      if (!chat || chat.orgId !== orgId || chat.assistantId !== assistantId) throw notFound('Chat');
      const rows = await repo.completedTurns(db, orgId, chatId, maxTurns);
      return rows
        .map((r) => ({ role: r.role, content: r.parts.map((p) => p.text).join('') }))
        .filter((t) => t.content.length > 0);
    },

    /**
     * Records the start of a run in one transaction: the chat (new chats also keep the history
     * the client sent), the user's message, and the assistant's reply as RUNNING.
     */
    async startRun(input: {
      orgId: string;
      assistantId: string;
      apiKeyId: string;
      chatId?: string;
      history: Turn[];
      message: string;
      model: string;
    }): Promise<RunRef> {
      const isNewChat = !input.chatId;
      const chatId = input.chatId ?? newId('chat');
      const assistantMessageId = newId('message');
      const base = Date.now();
      const earlier = isNewChat ? input.history : [];
      const at = (i: number) => new Date(base - earlier.length + i); // strictly increasing, for ordering
      const rows = [
        ...earlier.map((t, i) => ({ role: t.role, text: t.content, status: 'COMPLETED' as RunStatus, at: at(i), id: newId('message') })),
        { role: 'user' as const, text: input.message, status: 'COMPLETED' as RunStatus, at: at(earlier.length), id: newId('message') },
        { role: 'assistant' as const, text: '', status: 'RUNNING' as RunStatus, at: at(earlier.length + 1), id: assistantMessageId },
      ];
      await db.transaction(async (tx) => {
        if (isNewChat) {
          await repo.insertChat(tx, {
            id: chatId,
            orgId: input.orgId,
            assistantId: input.assistantId,
            apiKeyId: input.apiKeyId,
            title: titleOf(input.history.find((t) => t.role === 'user')?.content ?? input.message),
            status: 'RUNNING',
            messagesCount: rows.length,
            lastMessageAt: new Date(base),
          });
        } else {
          await tx
            .update(chats)
            .set({ status: 'RUNNING', messagesCount: sql`${chats.messagesCount} + ${rows.length}`, lastMessageAt: new Date(base), updatedAt: new Date() })
            .where(eq(chats.id, chatId));
        }
        await repo.insertMessages(
          tx,
          rows.map((r) => ({
            id: r.id,
            chatId,
            orgId: input.orgId,
            role: r.role,
            parts: [{ type: 'text' as const, text: r.text }],
            status: r.status,
            model: r.role === 'assistant' ? input.model : null,
            createdAt: r.at,
            updatedAt: r.at,
          })),
        );
      });
      return { orgId: input.orgId, chatId, assistantMessageId, isNewChat };
    },

    /** Records how a run ended (also for cancelled and failed runs), with `extra` writes in the same transaction. */
    async finishRun(
      run: RunRef,
      outcome: { text: string; status: RunStatus; usage: TokenUsage; latencyMs: number; error?: string },
      extra?: (tx: Tx) => Promise<void>,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await repo.updateMessage(tx, run.orgId, run.assistantMessageId, {
          parts: [{ type: 'text', text: outcome.text }],
          status: outcome.status,
          usage: outcome.usage,
          latencyMs: outcome.latencyMs,
          error: outcome.error ?? null,
        });
        await repo.updateChat(tx, run.orgId, run.chatId, { status: outcome.status, lastMessageAt: new Date() });
        if (extra) await extra(tx);
      });
    },

    failStaleRuns: (olderThan: Date) => repo.failStaleRuns(db, olderThan),
  };
}
