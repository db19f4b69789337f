import { z } from 'zod';
import { DeletedSchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { ChatListQuerySchema, ChatParams, ChatSchema, MessageListQuerySchema, MessageSchema, OrgChatsParams, UpdateChatBodySchema } from './chats.schemas.ts';
import type { ChatsService } from './chats.service.ts';
import { type Principal, reachesSubOrgs } from '../../http/principal.ts';
import { notFound } from '../../lib/errors.ts';

const tags = ['Chats'];

/**
 * The org a chat-by-id route starts its reach from. Keys and ADMIN members reach sub-orgs' chats; other
 * members only their own org's, so for them a sub-org's chat answers 404 like a missing one.
 */
export async function reachFrom(chats: ChatsService, principal: Principal, chatId: string): Promise<string> {
  if (!reachesSubOrgs(principal) && (await chats.get(principal.orgId, chatId)).org_id !== principal.orgId) throw notFound('Chat');
  return principal.orgId;
}

export function chatsRoutes(chats: ChatsService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/chats',
      operationId: 'listChats',
      summary: 'List chats',
      description: 'Conversations of the organization, most recently active first; filter by assistant.',
      tags,
      auth: { permission: 'chats:read' },
      params: OrgChatsParams,
      query: ChatListQuerySchema,
      responses: { 200: z.array(ChatSchema) },
      handler: async ({ orgId, query, reply }) =>
        sendPage(reply, await chats.list(orgId, { assistantId: query.assistant_id }, { page: query.page, take: query.take })),
    }),
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id',
      operationId: 'getChat',
      summary: 'Get a chat',
      description: 'A stored conversation of the key\'s org or one of its sub-orgs, without its messages (see `GET /chats/{chat_id}/messages`).',
      tags,
      auth: { permission: 'chats:read' },
      params: ChatParams,
      responses: { 200: ChatSchema },
      handler: async ({ principal, params }) => chats.get(await reachFrom(chats, principal, params.chat_id), params.chat_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/chats/:chat_id',
      operationId: 'updateChat',
      summary: 'Update a chat',
      description: 'Rename or pin a chat.',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      body: UpdateChatBodySchema,
      responses: { 200: ChatSchema },
      handler: async ({ principal, params, body, actor }) =>
        chats.update(await reachFrom(chats, principal, params.chat_id), params.chat_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/chats/:chat_id',
      operationId: 'deleteChat',
      summary: 'Delete a chat',
      description: 'Deletes the chat and its messages. Usage records are kept.',
      tags,
      auth: { permission: 'chats:write' },
      params: ChatParams,
      responses: { 200: DeletedSchema },
      handler: async ({ principal, params, actor }) => {
        await chats.remove(await reachFrom(chats, principal, params.chat_id), params.chat_id, actor);
        return { id: params.chat_id, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id/messages',
      operationId: 'listChatMessages',
      summary: 'List the messages of a chat',
      description:
        'Oldest first, from `from_date` when given. An assistant reply being generated has status RUNNING. The thread holds the customer\'s messages, the assistant\'s and the team\'s replies, internal notes and `event` lines (assigned, handed to a person, resolved...).',
      tags,
      auth: { permission: 'chats:read' },
      params: ChatParams,
      query: MessageListQuerySchema,
      responses: { 200: z.array(MessageSchema) },
      handler: async ({ principal, params, query, reply }) =>
        sendPage(
          reply,
          await chats.messages(await reachFrom(chats, principal, params.chat_id), params.chat_id, {
            page: query.page,
            take: query.take,
            fromDate: query.from_date ? new Date(query.from_date) : undefined,
          }),
        ),
    }),
  ];
}
