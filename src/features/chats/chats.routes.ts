import { z } from 'zod';
import { DeletedSchema, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { ChatListQuerySchema, ChatParams, ChatSchema, MessageSchema, OrgChatsParams, UpdateChatBodySchema } from './chats.schemas.ts';
import type { ChatsService } from './chats.service.ts';

const tags = ['Chats'];

export function chatsRoutes(chats: ChatsService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/chats',
      operationId: 'listChats',
      summary: 'List chats',
      description: 'Conversations of the organization, most recently active first; filter by assistant.',
      tags,
      auth: 'admin',
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
      auth: 'admin',
      params: ChatParams,
      responses: { 200: ChatSchema },
      handler: async ({ principal, params }) => chats.get(principal.orgId, params.chat_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/chats/:chat_id',
      operationId: 'updateChat',
      summary: 'Update a chat',
      description: 'Rename or pin a chat.',
      tags,
      auth: 'admin',
      params: ChatParams,
      body: UpdateChatBodySchema,
      responses: { 200: ChatSchema },
      handler: async ({ principal, params, body, actor }) => chats.update(principal.orgId, params.chat_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/chats/:chat_id',
      operationId: 'deleteChat',
      summary: 'Delete a chat',
      description: 'Deletes the chat and its messages. Usage records are kept.',
      tags,
      auth: 'admin',
      params: ChatParams,
      responses: { 200: DeletedSchema },
      handler: async ({ principal, params, actor }) => {
        await chats.remove(principal.orgId, params.chat_id, actor);
        return { id: params.chat_id, deleted: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/chats/:chat_id/messages',
      operationId: 'listChatMessages',
      summary: 'List the messages of a chat',
      description: 'Oldest first. An assistant reply being generated has status RUNNING.',
      tags,
      auth: 'admin',
      params: ChatParams,
      query: PageQuerySchema,
      responses: { 200: z.array(MessageSchema) },
      handler: async ({ principal, params, query, reply }) => sendPage(reply, await chats.messages(principal.orgId, params.chat_id, query)),
    }),
  ];
}
