import { z } from 'zod';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import type { InboxService } from './inbox.service.ts';
import { InboxChatSchema, InboxCountsQuerySchema, InboxCountsSchema, InboxParams, InboxQuerySchema } from './inbox.schemas.ts';

const tags = ['Inbox'];
const viewerOf = (principal: Principal) => ({ userId: principal.kind === 'member' ? principal.userId : null });

export function inboxRoutes(inbox: InboxService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/inbox',
      operationId: 'listInbox',
      summary: 'List the inbox',
      description:
        'The conversations a support team works, most recently active first, each with its state and its last message. `filter` picks a view (unresolved by default); `GET /orgs/{org_id}/inbox/counts` gives every view\'s count.',
      tags,
      auth: { permission: 'chats:read' },
      params: InboxParams,
      query: InboxQuerySchema,
      responses: { 200: z.array(InboxChatSchema) },
      handler: async ({ orgId, query, principal, reply }) =>
        sendPage(reply, await inbox.list(orgId, { page: query.page, take: query.take, filter: query.filter, assistantId: query.assistant_id }, viewerOf(principal))),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/inbox/counts',
      operationId: 'countInbox',
      summary: 'Count the inbox',
      description: 'How many chats each view of the inbox holds (`mine` is 0 for an API key).',
      tags,
      auth: { permission: 'chats:read' },
      params: InboxParams,
      query: InboxCountsQuerySchema,
      responses: { 200: InboxCountsSchema },
      handler: async ({ orgId, query, principal }) => inbox.counts(orgId, query.assistant_id, viewerOf(principal)),
    }),
  ];
}
