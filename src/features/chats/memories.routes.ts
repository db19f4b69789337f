import { z } from 'zod';
import { DeletedSchema, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { ChatMemorySchema, MemoriesDeletedSchema, MemoriesParams, MemoryParams } from './memories.schemas.ts';
import type { MemoriesService } from './memories.service.ts';

const tags = ['Chat memories'];

/** `/orgs/{org_id}/chats/{chat_id}/memories...`: the chat must be of the org the path names (`c`, or a sub-org reached). */
export function memoriesRoutes(memories: MemoriesService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/chats/:chat_id/memories',
      operationId: 'listChatMemories',
      summary: 'List the memories of a chat',
      description:
        "Rolling summaries of the conversation, newest first: one every 10 conversational messages while the assistant's `conversation.enable_memories` is on, each with the summary so far and the key points of the messages it adds.",
      tags,
      auth: { permission: 'chats:read' },
      params: MemoriesParams,
      query: PageQuerySchema,
      responses: { 200: z.array(ChatMemorySchema) },
      handler: async ({ orgId, params, query, reply }) => sendPage(reply, await memories.list(orgId, params.chat_id, query)),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/chats/:chat_id/memories',
      operationId: 'deleteChatMemories',
      summary: 'Delete the memories of a chat',
      description:
        'Deletes every summary of the chat; its messages stay. What the summaries covered is not summarised again: the next memory covers only later messages.',
      tags,
      auth: { permission: 'chats:write' },
      params: MemoriesParams,
      responses: { 200: MemoriesDeletedSchema },
      handler: async ({ orgId, params, actor }) => ({ chat_id: params.chat_id, deleted: await memories.remove(orgId, params.chat_id, undefined, actor) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/chats/:chat_id/memories/:memory_id',
      operationId: 'deleteChatMemory',
      summary: 'Delete a memory of a chat',
      description: 'Deletes one summary; the chat and its messages stay.',
      tags,
      auth: { permission: 'chats:write' },
      params: MemoryParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await memories.remove(orgId, params.chat_id, params.memory_id, actor);
        return { id: params.memory_id, deleted: true as const };
      },
    }),
  ];
}
