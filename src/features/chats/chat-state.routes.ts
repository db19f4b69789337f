import { DeletedSchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import type { Principal } from '../../http/principal.ts';
import type { Actor } from '../../events/actor.ts';
import type { ChatActor, ChatStateService } from './chat-state.service.ts';
import {
  AgentChatParams,
  AssignBodySchema,
  ChatFollowQuerySchema,
  ChatLiveEventSchema,
  CustomerRatingBodySchema,
  CustomerRatingSchema,
  ChatParams,
  ChatSchema,
  ChatStateInfoSchema,
  ChatStateSchema,
  EditMessageBodySchema,
  MessageParams,
  MessageSchema,
  PostMessageBodySchema,
  TypingBodySchema,
  TypingSignalSchema,
  UnseenSchema,
  UpdateChatStateBodySchema,
} from './chats.schemas.ts';
import { reachFrom } from './chats.routes.ts';
import type { ChatsService } from './chats.service.ts';
import { liveSseFrame, type ChatLive } from './chat-live.ts';
import type { Typing } from './typing.ts';
import { serveFollowStream } from '../../http/sse.ts';
import { isCursor } from '../../events/event-reads.ts';
import { notFound } from '../../lib/errors.ts';

const tags = ['Chat state'];
const LIVE_HEARTBEAT_MS = 20_000;
const messageTags = ['Chats'];

const who = (principal: Principal, actor: Actor): ChatActor => ({ actor, userId: principal.kind === 'member' ? principal.userId : null });

/** Inbox state, handover and the team's messages: `/chats/{chat_id}/state...` and `/chats/{chat_id}/messages...`. */
export function chatStateRoutes(chats: ChatsService, state: ChatStateService, live: ChatLive, typing: Typing): RouteDef[] {
  const reach = (principal: Principal, chatId: string) => reachFrom(chats, principal, chatId);
  return [
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id/stream',
      operationId: 'streamChat',
      summary: 'Follow a chat as its customer sees it (Server-Sent Events)',
      description: [
        "One conversation live, as its customer sees it: `message.created` and `message.updated` carry the message (customer, assistant and team replies; never notes or internal lines, never a member's email), `message.deleted` its id, `chat.updated` the state the customer sees (handover, who answers, resolved, CSAT). Each frame has `id:` (a cursor), `event:` (the type) and `data:` (`ChatLiveEvent`).",
        'For a client that shows the chat to its customer (a custom channel, the web widget, which serves the same frames to visitors). Reconnect with `Last-Event-ID` or `after` to resume with nothing missed. The team\'s view of all chats is `GET /orgs/{org_id}/inbox/stream`.',
      ].join('\n\n'),
      tags: messageTags,
      auth: { permission: 'chats:read' },
      params: ChatParams,
      query: ChatFollowQuerySchema,
      responses: { 200: { description: 'The event stream.', content: { 'text/event-stream': { schema: ChatLiveEventSchema } } } },
      handler: async ({ principal, params, query, request, reply }) => {
        const chat = await live.reach(await reach(principal, params.chat_id), params.chat_id);
        return serveFollowStream(request, reply, {
          after: query.after,
          heartbeatMs: LIVE_HEARTBEAT_MS,
          isCursor,
          subscribe: (after, send) => live.followChat(chat, after, (f) => send(liveSseFrame(f))),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/chats/:chat_id/typing',
      operationId: 'signalChatTyping',
      summary: 'Say that you are typing a reply',
      description: [
        "Shows the customer that a person is typing (the web widget shows \"Ana is typing…\"; `GET /chats/{chat_id}/stream` sends a `typing` frame), and tells the rest of the team on the inbox stream. Send `{typing: true}` every few seconds while composing a reply and `{typing: false}` when the draft is cleared; a signal lapses after `expires_in_seconds` otherwise. Do not send it while writing an internal note.",
        'Signals are not recorded: they are not in the event log, webhooks or the audit log, and a stream that reconnects does not replay them.',
      ].join('\n\n'),
      tags: messageTags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      body: TypingBodySchema,
      responses: { 200: TypingSignalSchema },
      handler: async ({ principal, params, body }) => {
        const chat = await live.reach(await reach(principal, params.chat_id), params.chat_id);
        return typing.team(chat.orgId, chat.id, principal.kind === 'member' ? principal.userId : null, body.typing);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/chats/:chat_id/state',
      operationId: 'updateChatState',
      summary: 'Update the state of a chat',
      description:
        'Resolve (`state: CLOSED`), snooze (`SNOOZED` with `snoozed_until`) or reopen a chat; take it over (`ai_enabled: false`: the assistant stops answering and a person is assigned) or hand it back (`ai_enabled: true`); set `follow_up_at`, `muted_until`, `csat_score`. Each change is written into the thread as an `event` message.',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      body: UpdateChatStateBodySchema,
      responses: { 200: ChatSchema },
      handler: async ({ principal, params, body, actor }) => state.updateState(await reach(principal, params.chat_id), params.chat_id, body, who(principal, actor)),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/agents/:agentId/chats/:chat_id/csat',
      operationId: 'rateAgentChat',
      summary: 'Rate a chat as the customer',
      description:
        "The customer's answer to a rating request (a `csat_request` message, sent on resolve when the assistant's `conversation.enable_auto_csat` is on): the chat's `csat_score` from 1 to 5, with an `event` line. A runtime key (or an admin key) of the assistant's org may call it, for chats of that assistant that asked for a rating (409 otherwise); answering again replaces the score. Staff set the score with `PATCH /chats/{chat_id}/state`.",
      tags,
      auth: { permission: 'runtime:invoke' },
      params: AgentChatParams,
      body: CustomerRatingBodySchema,
      responses: { 200: CustomerRatingSchema },
      errors: [409],
      handler: async ({ principal, params, body, actor }) => {
        // A key restricted to one assistant answers for another's chats as for a missing one.
        if (principal.kind === 'api_key' && principal.assistantId && principal.assistantId !== params.agentId) throw notFound('Chat');
        return state.customerRated(await reach(principal, params.chat_id), params.agentId, params.chat_id, body.score, actor);
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: '/chats/:chat_id/state/assign',
      operationId: 'assignChat',
      summary: 'Assign a chat',
      description: 'Assigns the chat to a member of its organization who works conversations (ADMIN, MANAGER or AGENT), or unassigns it with `null`.',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      body: AssignBodySchema,
      responses: { 200: ChatStateSchema },
      handler: async ({ principal, params, body, actor }) => state.assign(await reach(principal, params.chat_id), params.chat_id, body.member_id, who(principal, actor)),
    }),
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id/state/info',
      operationId: 'getChatStateInfo',
      summary: 'Get where a conversation went on',
      description: 'Tells whether a newer chat exists with the same contact and assistant (`newest_chat_id`), for example after a resolved chat was followed by a new one.',
      tags,
      auth: { permission: 'chats:read' },
      params: ChatParams,
      responses: { 200: ChatStateInfoSchema },
      handler: async ({ principal, params }) => state.info(await reach(principal, params.chat_id), params.chat_id),
    }),
    defineRoute({
      method: 'POST',
      url: '/chats/:chat_id/state/unseen',
      operationId: 'markChatUnseen',
      summary: 'Mark a chat as unseen',
      description: 'Flags the chat for the team again (its `admin_unseen_count` becomes at least 1).',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      responses: { 200: UnseenSchema },
      handler: async ({ principal, params, actor }) => state.markSeen(await reach(principal, params.chat_id), params.chat_id, false, who(principal, actor)),
    }),
    defineRoute({
      method: 'POST',
      url: '/chats/:chat_id/state/seen',
      operationId: 'markChatSeen',
      summary: 'Mark a chat as seen',
      description: 'The team has read the chat: its `admin_unseen_count` goes back to 0.',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      responses: { 200: UnseenSchema },
      handler: async ({ principal, params, actor }) => state.markSeen(await reach(principal, params.chat_id), params.chat_id, true, who(principal, actor)),
    }),
    defineRoute({
      method: 'POST',
      url: '/chats/:chat_id/messages',
      operationId: 'createChatMessage',
      summary: 'Write in a chat as the team',
      description:
        'A reply to the customer from a person (`role: assistant`, the default), which takes the chat over: the assistant stops answering until it is handed back; or an internal `note` the customer never sees. The author is the signed-in member, or "team" with an API key.',
      tags: messageTags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      body: PostMessageBodySchema,
      responses: { 200: MessageSchema },
      handler: async ({ principal, params, body, actor }) =>
        state.postMessage(await reach(principal, params.chat_id), params.chat_id, { text: body.message.map((p) => p.text), role: body.role }, who(principal, actor)),
    }),
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id/messages/:message_id',
      operationId: 'getChatMessage',
      summary: 'Get a message',
      tags: messageTags,
      auth: { permission: 'chats:read' },
      params: MessageParams,
      responses: { 200: MessageSchema },
      handler: async ({ principal, params }) => state.getMessage(await reach(principal, params.chat_id), params.chat_id, params.message_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/chats/:chat_id/messages/:message_id',
      operationId: 'editChatMessage',
      summary: 'Edit a message',
      description: 'Replaces the text of a reply or note the team wrote; the customer\'s and the assistant\'s messages cannot be edited (409).',
      tags: messageTags,
      auth: { permission: 'chats:write' },
      params: MessageParams,
      body: EditMessageBodySchema,
      responses: { 200: MessageSchema },
      errors: [409],
      handler: async ({ principal, params, body, actor }) =>
        state.editMessage(await reach(principal, params.chat_id), params.chat_id, params.message_id, body.message.map((p) => p.text), who(principal, actor)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/chats/:chat_id/messages/:message_id',
      operationId: 'deleteChatMessage',
      summary: 'Delete a message',
      description: 'Deletes a reply or note the team wrote; the customer\'s and the assistant\'s messages cannot be deleted (409).',
      tags: messageTags,
      auth: { permission: 'chats:write' },
      params: MessageParams,
      responses: { 200: DeletedSchema },
      errors: [409],
      handler: async ({ principal, params, actor }) => {
        await state.deleteMessage(await reach(principal, params.chat_id), params.chat_id, params.message_id, who(principal, actor));
        return { id: params.message_id, deleted: true as const };
      },
    }),
  ];
}
