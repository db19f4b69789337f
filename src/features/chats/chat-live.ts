import type { Db } from '../../db/client.ts';
import type { ParleyEvent } from '../../events/catalog.ts';
import type { EventLog } from '../../events/event-log.ts';
import { isCursor } from '../../events/event-reads.ts';
import type { Unsubscribe } from '../../infra/pubsub/pubsub.ts';
import { AppError } from '../../lib/errors.ts';
import * as repo from './chats.repo.ts';
import * as state from './chat-state.repo.ts';
import type { ChatLiveEvent } from './chats.schemas.ts';
import type { Typing } from './typing.ts';
import { toCustomerMessage, toCustomerState } from './chat-views.ts';

export type ChatLive = ReturnType<typeof createChatLive>;

/** The SSE frame of a live event: recorded events carry their cursor as `id:`; typing carries none. */
export const liveSseFrame = (f: ChatLiveEvent) => (f.type === 'typing' ? { event: f.type, data: f } : { id: f.cursor, event: f.type, data: f });

/**
 * One chat as its customer sees it, live: the messages they can read (with their content, so a client
 * needs no other call), the state that changes what they see (handover, who answers, resolved), nothing
 * internal. Read from the event log with a cursor, so a client that reconnects misses nothing. The web
 * widget serves the same frames to visitors. The team's typing rides along, unrecorded (no cursor).
 */
export function createChatLive(deps: { db: Db; events: EventLog; typing: Typing; reachable: (keyOrgId: string, chatId: string) => Promise<repo.ChatView> }) {
  const { db } = deps;

  /** The frame for an event of this chat, or null when the customer has nothing to see in it. */
  async function frameOf(orgId: string, chatId: string, e: ParleyEvent): Promise<Exclude<ChatLiveEvent, { type: 'typing' }> | null> {
    const head = { id: e.id, cursor: e.cursor, created_at: e.created_at };
    const data = e.data as { message_id?: string };
    switch (e.type) {
      case 'message.created':
      case 'message.updated': {
        const row = await state.findMessage(db, orgId, chatId, String(data.message_id));
        const member = row?.memberId ? ((await state.findMemberRef(db, orgId, row.memberId)) ?? null) : null;
        const message = row ? toCustomerMessage(row, member) : null;
        return message ? { type: e.type, ...head, data: { chat_id: chatId, message } } : null;
      }
      case 'message.deleted':
        return { type: e.type, ...head, data: { chat_id: chatId, message_id: String(data.message_id) } };
      case 'chat.updated': {
        const chat = await repo.findChat(db, chatId);
        if (!chat) return null;
        return { type: e.type, ...head, data: { chat_id: chatId, state: toCustomerState(chat) } };
      }
      case 'chat.deleted':
        return { type: e.type, ...head, data: { chat_id: chatId } };
      default:
        return null;
    }
  }

  /** Follows a chat already reached by the caller; `onEvent` gets each frame in log order. */
  async function followChat(chat: { id: string; orgId: string }, after: string | undefined, onEvent: (frame: ChatLiveEvent) => void): Promise<Unsubscribe> {
    if (after !== undefined && !isCursor(after)) throw new AppError('bad_request', 'Last-Event-ID (or after) is not a cursor of this stream');
    const stopLog = await deps.events.subscribe({ orgId: chat.orgId, after }, async (e) => {
      if ((e.data as { chat_id?: string }).chat_id !== chat.id) return;
      const frame = await frameOf(chat.orgId, chat.id, e);
      if (frame) onEvent(frame);
    });
    const stopTyping = await deps.typing.follow(chat.orgId, (s) => {
      if (s.chat_id === chat.id && s.by === 'member') onEvent({ type: 'typing', data: s });
    });
    return async () => {
      await Promise.all([stopLog(), stopTyping()]);
    };
  }

  return {
    followChat,

    /** The chat, when the caller's org reaches it (404 otherwise). */
    reach: (keyOrgId: string, chatId: string) => deps.reachable(keyOrgId, chatId),

  };
}
