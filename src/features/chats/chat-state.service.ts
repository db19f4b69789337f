import type { Db, Tx } from '../../db/client.ts';
import type { ChatRow, MessageRole, MessageRow } from '../../db/schema.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { Emit, EventLog } from '../../events/event-log.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import * as repo from './chats.repo.ts';
import * as state from './chat-state.repo.ts';
import type { Chat, ChatState, Message, UpdateChatStateInput } from './chats.schemas.ts';
import { textOf, toChat, toMessage, toState } from './chat-views.ts';
import type { ChatChannel } from './run-recorder.ts';
import { csatRequestText } from './csat.ts';

/** Who is acting on a chat: the event log's actor, and the member they are in the chat's org (null for keys). */
export interface ChatActor {
  actor: Actor;
  /** The signed-in user, when a member acts. */
  userId: string | null;
}

export const SYSTEM_CHAT_ACTOR: ChatActor = { actor: SYSTEM_ACTOR, userId: null };

export interface Handover {
  state: 'WAITING' | 'ASSIGNED';
  assigned_member: { id: string; name: string } | null;
}

export type ChatStateService = ReturnType<typeof createChatStateService>;

/** What resolving reads of a chat's assistant: whether it asks for a rating, and in which language. */
export interface CsatSettings {
  enable_auto_csat: boolean;
  language: string;
}
export type ConversationOf = (orgId: string, assistantId: string) => Promise<CsatSettings | undefined>;

/**
 * The inbox side of a chat: its state (open, snoozed, closed), who works it, handing it to a person and
 * back, and what the team writes in it. Every change writes `event` messages into the thread and its events
 * in the same transaction.
 */

export function createChatStateService(deps: {
  db: Db;
  events: EventLog;
  reachable: (keyOrgId: string, chatId: string) => Promise<repo.ChatView>;
  /**
   * The members an assistant's handovers go to (its `conversation.assignee_member_ids`); empty: every inbox member.
   * Read in the handover's transaction: no query outside `tx` inside it (the embedded database has one connection).
   */
  assigneesIn: (tx: Tx, assistantId: string) => Promise<readonly string[]>;
  conversationOf: ConversationOf;
}) {
  const { db, events } = deps;

  const authorOf = async (tx: Tx | Db, orgId: string, who: ChatActor) => (who.userId ? ((await state.memberOfUser(tx, orgId, who.userId)) ?? null) : null);
  const nameOf = (m: state.MemberRef | null, who: ChatActor) => m?.name ?? (who.actor.type === 'system' ? 'Parley' : 'the team');

  /** Writes `event` lines into the thread (what a person reading it sees happened), with their events. */
  async function note(tx: Tx, emit: Emit, chat: ChatRow, memberId: string | null, lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    const now = Date.now();
    const rows = await state.insertMessages(
      tx,
      lines.map((text, i) => threadRow(chat, memberId, text, new Date(now + i))),
    );
    for (const m of rows) emit({ type: 'message.created', orgId: chat.orgId, subjectId: m.id, data: { chat_id: chat.id, message_id: m.id, role: 'event', status: m.status } });
    await state.addToMessageCount(tx, chat.orgId, chat.id, rows.length);
  }

  /**
   * On resolve, with `enable_auto_csat`: a message asking the customer for a 1-5 rating (`kind: csat_request`), unless
   * they rated the chat already or were asked and nothing was said since. True when it was written. The settings
   * are read before the transaction (the embedded database has one connection: no query outside `tx` inside it).
   */
  async function requestCsat(tx: Tx, emit: Emit, chat: ChatRow, at: Date, conversation: CsatSettings | undefined): Promise<boolean> {
    if (chat.csatScore !== null || (chat.csatRequestedAt && chat.csatRequestedAt >= chat.lastMessageAt)) return false;
    if (!conversation?.enable_auto_csat) return false;
    const customer = conversation.language === 'auto' ? await repo.lastMessageOfRole(tx, chat.orgId, chat.id, 'user') : undefined;
    const text = csatRequestText(conversation.language, customer ? textOf(customer.parts) : undefined);
    const [row] = await state.insertMessages(tx, [{ ...threadRow(chat, null, text, at, 'assistant'), kind: 'csat_request' }]);
    emit({ type: 'message.created', orgId: chat.orgId, subjectId: row!.id, data: { chat_id: chat.id, message_id: row!.id, role: 'assistant', status: 'COMPLETED' } });
    await state.markCsatRequested(tx, chat.orgId, chat.id, at);
    return true;
  }

  async function reread(tx: Tx, chatId: string): Promise<repo.ChatView> {
    const view = await repo.findChat(tx, chatId);
    if (!view) throw notFound('Chat');
    return view;
  }

  /** Hands the chat to a person: AI off, assigned to the least busy inbox member (when none is assigned yet). */
  async function handOverIn(tx: Tx, emit: Emit, chat: ChatRow, reason: string, takenBy: state.MemberRef | null): Promise<Handover> {
    const now = new Date();
    let assignee: state.MemberRef | undefined = chat.assignedMemberId ? await state.findMemberRef(tx, chat.orgId, chat.assignedMemberId) : undefined;
    const lines = [reason];
    if (!assignee) {
      assignee = takenBy ?? (await state.leastBusyMember(tx, chat.orgId, await deps.assigneesIn(tx, chat.assistantId)));
      if (assignee) lines.push(`Assigned to ${assignee.name}`);
    }
    await state.setChatState(tx, chat.orgId, chat.id, {
      aiEnabled: false,
      handoverAt: now,
      state: 'OPEN',
      snoozedUntil: null,
      resolvedAt: null,
      ...(assignee && !chat.assignedMemberId && { assignedMemberId: assignee.id, assignedAt: now }),
    });
    await note(tx, emit, chat, takenBy?.id ?? null, lines);
    // A handover opens a resolved or snoozed chat again: a person is now to answer it.
    const reopened = chat.state !== 'OPEN';
    emit({
      type: 'chat.updated',
      orgId: chat.orgId,
      subjectId: chat.id,
      data: { chat_id: chat.id, changed: ['ai_enabled', 'handover', ...(assignee ? ['assigned_member'] : []), ...(reopened ? ['state'] : [])], ...(reopened && { state: 'OPEN' }) },
    });
    return { state: assignee ? 'ASSIGNED' : 'WAITING', assigned_member: assignee ? { id: assignee.id, name: assignee.name } : null };
  }

  /** The customer's words as the thread stores them (a closed or snoozed chat reopens when they write). */
  async function customerMessage(tx: Tx, emit: Emit, chat: ChatRow, text: string, at: Date): Promise<void> {
    const [row] = await state.insertMessages(tx, [threadRow(chat, null, text, at, 'user')]);
    emit({ type: 'message.created', orgId: chat.orgId, subjectId: row!.id, data: { chat_id: chat.id, message_id: row!.id, role: 'user', status: 'COMPLETED' } });
    await state.countMessage(tx, chat.orgId, chat.id, 'admin', at);
    if (chat.state !== 'OPEN') {
      await state.setChatState(tx, chat.orgId, chat.id, { state: 'OPEN', snoozedUntil: null, resolvedAt: null });
      await note(tx, emit, chat, null, ['Reopened: the customer wrote again']);
    }
    emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chat.id, data: { chat_id: chat.id, changed: ['admin_unseen_count', 'last_message_at', ...(chat.state !== 'OPEN' ? ['state'] : [])], ...(chat.state !== 'OPEN' && { state: 'OPEN' }) } });
  }

  /** Closes an open chat with an `event` line saying why, then asks for a rating when the assistant does. */
  async function resolveChat(tx: Tx, emit: Emit, chat: ChatRow, line: string, csat: CsatSettings | undefined): Promise<void> {
    await state.setChatState(tx, chat.orgId, chat.id, { state: 'CLOSED', snoozedUntil: null, resolvedAt: new Date(), adminUnseenCount: 0 });
    await note(tx, emit, chat, null, [line]);
    const changed = ['state', 'resolved_at', 'admin_unseen_count'];
    if (await requestCsat(tx, emit, chat, new Date(Date.now() + 1), csat)) changed.push('csat_requested_at', 'user_unseen_count');
    emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chat.id, data: { chat_id: chat.id, changed, state: 'CLOSED' } });
  }

  const handoverOf = (view: repo.ChatView): Handover => ({
    state: view.assignee ? 'ASSIGNED' : 'WAITING',
    assigned_member: view.assignee ? { id: view.assignee.id, name: view.assignee.name } : null,
  });

  return {
    handOverIn,

    /**
     * What the assistant's built-in tools decided (features/runtime/builtin-tools.ts), applied once its reply is
     * stored: `transfer` hands the chat to a person as when the customer asks for one; `resolve` closes it.
     */
    async assistantActed(orgId: string, chatId: string, act: { transfer?: boolean; resolve?: boolean }, actor: Actor): Promise<Handover | undefined> {
      const found = await repo.findChat(db, chatId);
      if (!found || found.orgId !== orgId) throw notFound('Chat');
      // Read before the transaction (the embedded database has one connection).
      const csat = act.resolve ? await deps.conversationOf(orgId, found.assistantId) : undefined;
      return events.transaction(actor, async (tx, emit) => {
        let handover: Handover | undefined;
        let chat = await reread(tx, chatId);
        if (act.transfer) {
          handover = chat.aiEnabled ? await handOverIn(tx, emit, chat, 'Handed to a person by the assistant', null) : handoverOf(chat);
          chat = await reread(tx, chatId);
        }
        if (act.resolve && chat.state !== 'CLOSED') await resolveChat(tx, emit, chat, 'Resolved by the assistant: the conversation ended', csat);
        return handover;
      });
    },

    /** Resolves an open chat for Parley (auto-resolve): the `event` line says why; the CSAT request follows. */
    async resolveIn(tx: Tx, emit: Emit, chat: ChatRow, line: string, csat: CsatSettings): Promise<void> {
      await resolveChat(tx, emit, chat, line, csat);
    },

    /**
     * A snoozed chat whose time came: open again, and unread, so it comes back to the team's attention. Waking is
     * activity at the sweep's `now`: auto-resolve counts its delay from there.
     */
    async wakeIn(tx: Tx, emit: Emit, chat: ChatRow, now: Date): Promise<void> {
      const patch = { state: 'OPEN' as const, snoozedUntil: null, adminUnseenCount: Math.max(1, chat.adminUnseenCount), updatedAt: now };
      await state.setChatState(tx, chat.orgId, chat.id, patch);
      await note(tx, emit, chat, null, ['Reopened: the snooze ended']);
      emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chat.id, data: { chat_id: chat.id, changed: ['state', 'snoozed_until', 'admin_unseen_count'], state: 'OPEN' } });
    },

    /**
     * The customer's answer to a CSAT request (the widget's stars, or a channel that asked them): the score, an `event`
     * line, `chat.updated`. Only in a chat of `assistantId` that asked for a rating; a later answer replaces the score.
     */
    async customerRated(keyOrgId: string, assistantId: string, chatId: string, score: number, actor: Actor): Promise<{ chat_id: string; csat_score: number }> {
      const chat = await deps.reachable(keyOrgId, chatId);
      if (chat.assistantId !== assistantId) throw notFound('Chat');
      if (!chat.csatRequestedAt) throw new AppError('conflict', 'this chat has not asked the customer for a rating');
      return events.transaction(actor, async (tx, emit) => {
        await state.setChatState(tx, chat.orgId, chatId, { csatScore: score });
        await note(tx, emit, chat, null, [`Rated ${score} out of 5 by the customer`]);
        emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed: ['csat_score'] } });
        return { chat_id: chatId, csat_score: score };
      });
    },

    /** A customer writes in a chat a person handles: stored, counted unseen, no model call. */
    async customerWrote(chat: ChatRow, text: string, actor: Actor): Promise<Handover> {
      return events.transaction(actor, async (tx, emit) => {
        await customerMessage(tx, emit, chat, text, new Date());
        return handoverOf(await reread(tx, chat.id));
      });
    },

    /**
     * The customer asked for a person: their message and the assistant's notice are stored, the chat (new
     * when `chat` is absent, holding `history`) goes to a person. Returns the chat id and the handover.
     */
    async customerAskedForHuman(input: {
      orgId: string;
      assistantId: string;
      apiKeyId: string | null;
      chat?: ChatRow;
      contactId?: string;
      channel?: ChatChannel;
      history: Array<{ role: 'user' | 'assistant'; content: string }>;
      message: string;
      notice: string;
      model: string;
      actor: Actor;
    }): Promise<{ chatId: string; handover: Handover }> {
      return events.transaction(input.actor, async (tx, emit) => {
        const now = Date.now();
        let chat = input.chat;
        if (!chat) {
          const id = newId('chat');
          const title = input.history.find((t) => t.role === 'user')?.content ?? input.message;
          await repo.insertChat(tx, {
            id,
            orgId: input.orgId,
            assistantId: input.assistantId,
            apiKeyId: input.apiKeyId,
            title: title.length > 80 ? `${title.slice(0, 77).trimEnd()}...` : title,
            status: 'COMPLETED',
            messagesCount: input.history.length,
            contactId: input.contactId ?? null,
            channel: input.channel?.type ?? 'API',
            contactChannelId: input.channel?.id ?? null,
            createdAt: new Date(now - input.history.length - 1),
          });
          emit({ type: 'chat.created', orgId: input.orgId, subjectId: id, data: { chat_id: id, assistant_id: input.assistantId } });
          const earlier = await state.insertMessages(
            tx,
            input.history.map((t, i) => threadRow({ id, orgId: input.orgId }, null, t.content, new Date(now - input.history.length - 1 + i), t.role)),
          );
          for (const m of earlier) emit({ type: 'message.created', orgId: input.orgId, subjectId: m.id, data: { chat_id: id, message_id: m.id, role: m.role, status: m.status } });
          chat = (await reread(tx, id)) as ChatRow;
        }
        await customerMessage(tx, emit, chat, input.message, new Date(now));
        const [reply] = await state.insertMessages(tx, [{ ...threadRow(chat, null, input.notice, new Date(now + 1), 'assistant'), model: input.model }]);
        emit({ type: 'message.created', orgId: chat.orgId, subjectId: reply!.id, data: { chat_id: chat.id, message_id: reply!.id, role: 'assistant', status: 'COMPLETED' } });
        await state.countMessage(tx, chat.orgId, chat.id, null, new Date(now + 1));
        const handover = await handOverIn(tx, emit, await reread(tx, chat.id), 'Handed to a person: the customer asked for one', null);
        return { chatId: chat.id, handover };
      });
    },

    /**
     * Hands a chat to a person after the assistant's reply was recorded (it had no answer, or a tool asked):
     * the reply stays in the thread, the `event` line says why.
     */
    async handOverAfterReply(orgId: string, chatId: string, reason: string, actor: Actor): Promise<Handover> {
      return events.transaction(actor, async (tx, emit) => {
        const chat = await reread(tx, chatId);
        if (chat.orgId !== orgId) throw notFound('Chat');
        if (!chat.aiEnabled) return handoverOf(chat);
        return handOverIn(tx, emit, chat, reason, null);
      });
    },

    async updateState(keyOrgId: string, chatId: string, input: UpdateChatStateInput, who: ChatActor): Promise<Chat> {
      const chat = await deps.reachable(keyOrgId, chatId);
      if (input.state === 'SNOOZED' && !input.snoozed_until) throw new AppError('bad_request', 'snoozed_until is required to snooze a chat');
      if (input.snoozed_until && input.state !== 'SNOOZED') throw new AppError('bad_request', 'snoozed_until goes with state SNOOZED');
      if (input.snoozed_until && Date.parse(input.snoozed_until) <= Date.now()) throw new AppError('bad_request', 'snoozed_until must be in the future');
      const csat = input.state === 'CLOSED' && chat.state !== 'CLOSED' ? await deps.conversationOf(chat.orgId, chat.assistantId) : undefined;
      return events.transaction(who.actor, async (tx, emit) => {
        const author = await authorOf(tx, chat.orgId, who);
        const by = nameOf(author, who);
        const set: state.ChatStatePatch = {};
        const lines: string[] = [];
        const changed: string[] = [];
        if (input.state && input.state !== chat.state) {
          changed.push('state');
          set.state = input.state;
          set.snoozedUntil = input.state === 'SNOOZED' ? new Date(input.snoozed_until!) : null;
          set.resolvedAt = input.state === 'CLOSED' ? new Date() : null;
          if (input.state === 'CLOSED') set.adminUnseenCount = 0;
          lines.push(input.state === 'CLOSED' ? `Resolved by ${by}` : input.state === 'SNOOZED' ? `Snoozed until ${input.snoozed_until} by ${by}` : `Reopened by ${by}`);
        }
        if (input.ai_enabled === true && !chat.aiEnabled) {
          changed.push('ai_enabled');
          set.aiEnabled = true;
          lines.push(`Handed back to the assistant by ${by}`);
        }
        for (const [field, key] of [['follow_up_at', 'followUpAt'], ['muted_until', 'mutedUntil']] as const) {
          if (input[field] === undefined) continue;
          changed.push(field);
          set[key] = input[field] === null ? null : new Date(input[field]);
        }
        if (input.csat_score !== undefined) {
          changed.push('csat_score');
          set.csatScore = input.csat_score;
        }
        if (Object.keys(set).length) await state.setChatState(tx, chat.orgId, chatId, set);
        if (lines.length) await note(tx, emit, chat, author?.id ?? null, lines);
        if (set.state === 'CLOSED' && (await requestCsat(tx, emit, chat, new Date(Date.now() + lines.length), csat))) changed.push('csat_requested_at', 'user_unseen_count');
        if (changed.length) emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed, ...(set.state && { state: set.state }) } });
        if (input.ai_enabled === false && chat.aiEnabled) await handOverIn(tx, emit, await reread(tx, chatId), `Taken over by ${by}`, author);
        return toChat(await reread(tx, chatId));
      });
    },

    async assign(keyOrgId: string, chatId: string, memberId: string | null, who: ChatActor): Promise<ChatState> {
      const chat = await deps.reachable(keyOrgId, chatId);
      return events.transaction(who.actor, async (tx, emit) => {
        const author = await authorOf(tx, chat.orgId, who);
        let line: string;
        if (memberId === null) {
          if (!chat.assignedMemberId) return toState(chat);
          await state.setChatState(tx, chat.orgId, chatId, { assignedMemberId: null, assignedAt: null });
          line = `Unassigned by ${nameOf(author, who)}`;
        } else {
          const member = await state.findMemberRef(tx, chat.orgId, memberId);
          if (!member) throw new AppError('bad_request', `no member ${memberId} in the chat's organization`);
          if (!state.INBOX_ROLES.includes(member.role)) throw new AppError('bad_request', `${member.name} cannot work conversations (role ${member.role})`);
          if (chat.assignedMemberId === memberId) return toState(chat);
          await state.setChatState(tx, chat.orgId, chatId, { assignedMemberId: memberId, assignedAt: new Date() });
          line = author?.id === memberId ? `${member.name} took the chat` : `Assigned to ${member.name} by ${nameOf(author, who)}`;
        }
        await note(tx, emit, chat, author?.id ?? null, [line]);
        emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed: ['assigned_member'] } });
        return toState(await reread(tx, chatId));
      });
    },

    /** Whether the conversation went on in a newer chat (same contact, same assistant). */
    async info(keyOrgId: string, chatId: string): Promise<{ newest_chat_id: string | null }> {
      const chat = await deps.reachable(keyOrgId, chatId);
      return { newest_chat_id: await state.newerChatOf(db, chat) };
    },

    /** `unseen`: flags the chat for the team again; `seen`: the team has read it. */
    async markSeen(keyOrgId: string, chatId: string, seen: boolean, who: ChatActor) {
      const chat = await deps.reachable(keyOrgId, chatId);
      return events.transaction(who.actor, async (tx, emit) => {
        const count = seen ? 0 : Math.max(1, chat.adminUnseenCount);
        if (count !== chat.adminUnseenCount) {
          await state.setChatState(tx, chat.orgId, chatId, { adminUnseenCount: count });
          emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed: ['admin_unseen_count'] } });
        }
        return { chat_id: chatId, assigned_member_id: chat.assignedMemberId, admin_unseen_count: count, user_unseen_count: chat.userUnseenCount };
      });
    },

    /** A reply to the customer from the team (it takes the chat over) or an internal note. */
    async postMessage(keyOrgId: string, chatId: string, input: { text: string[]; role: 'assistant' | 'note' }, who: ChatActor): Promise<Message> {
      const chat = await deps.reachable(keyOrgId, chatId);
      return events.transaction(who.actor, async (tx, emit) => {
        const author = await authorOf(tx, chat.orgId, who);
        const now = new Date();
        const [row] = await state.insertMessages(tx, [
          {
            id: newId('message'),
            chatId,
            orgId: chat.orgId,
            role: input.role,
            memberId: author?.id ?? null,
            parts: input.text.map((text) => ({ type: 'text' as const, text })),
            status: 'COMPLETED',
            createdAt: now,
            updatedAt: now,
          },
        ]);
        emit({ type: 'message.created', orgId: chat.orgId, subjectId: row!.id, data: { chat_id: chatId, message_id: row!.id, role: input.role, status: 'COMPLETED' } });
        await state.countMessage(tx, chat.orgId, chatId, input.role === 'assistant' ? 'user' : null, now);
        if (input.role === 'assistant') {
          if (chat.aiEnabled) await handOverIn(tx, emit, await reread(tx, chatId), `Taken over by ${nameOf(author, who)}`, author);
          else if (!chat.assignedMemberId && author) {
            await state.setChatState(tx, chat.orgId, chatId, { assignedMemberId: author.id, assignedAt: now });
            await note(tx, emit, await reread(tx, chatId), author.id, [`${author.name} took the chat`]);
          }
          emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed: ['user_unseen_count', 'last_message_at'] } });
        }
        return toMessage(row!, author);
      });
    },

    async getMessage(keyOrgId: string, chatId: string, messageId: string): Promise<Message> {
      const chat = await deps.reachable(keyOrgId, chatId);
      const row = await state.findMessage(db, chat.orgId, chatId, messageId);
      if (!row) throw notFound('Message');
      return toMessage(row, row.memberId ? ((await state.findMemberRef(db, chat.orgId, row.memberId)) ?? null) : null);
    },

    async editMessage(keyOrgId: string, chatId: string, messageId: string, text: string[], who: ChatActor): Promise<Message> {
      const chat = await deps.reachable(keyOrgId, chatId);
      return events.transaction(who.actor, async (tx, emit) => {
        const row = teamWritten(await state.findMessage(tx, chat.orgId, chatId, messageId));
        const updated = await state.updateMessageParts(tx, chat.orgId, row.id, text.map((t) => ({ type: 'text' as const, text: t })));
        emit({ type: 'message.updated', orgId: chat.orgId, subjectId: row.id, data: { chat_id: chatId, message_id: row.id, status: row.status } });
        return toMessage(updated!, row.memberId ? ((await state.findMemberRef(tx, chat.orgId, row.memberId)) ?? null) : null);
      });
    },

    async deleteMessage(keyOrgId: string, chatId: string, messageId: string, who: ChatActor): Promise<void> {
      const chat = await deps.reachable(keyOrgId, chatId);
      await events.transaction(who.actor, async (tx, emit) => {
        teamWritten(await state.findMessage(tx, chat.orgId, chatId, messageId));
        await state.deleteMessage(tx, chat.orgId, chatId, messageId);
        emit({ type: 'message.deleted', orgId: chat.orgId, subjectId: messageId, data: { chat_id: chatId, message_id: messageId } });
        emit({ type: 'chat.updated', orgId: chat.orgId, subjectId: chatId, data: { chat_id: chatId, changed: ['messages'] } });
      });
    },
  };
}

/** Only what the team wrote (replies and notes) can be edited or deleted: the customer's words and the AI's are a record. */
function teamWritten(row: MessageRow | undefined): MessageRow {
  if (!row) throw notFound('Message');
  if (row.role === 'note' || (row.role === 'assistant' && row.model === null && row.kind === null)) return row;
  throw new AppError('conflict', 'only replies and notes written by the team can be edited or deleted');
}

/** A text message of the thread written outside a runtime call: an `event` line unless `role` says otherwise. */
export function threadRow<R extends MessageRole = 'event'>(chat: Pick<ChatRow, 'id' | 'orgId'>, memberId: string | null, text: string, at: Date, role: R = 'event' as R) {
  return {
    id: newId('message'),
    chatId: chat.id,
    orgId: chat.orgId,
    role,
    memberId,
    parts: [{ type: 'text' as const, text }],
    status: 'COMPLETED' as const,
    createdAt: at,
    updatedAt: at,
  };
}
