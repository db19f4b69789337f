import { z } from 'zod';
import { defineRoute, type RouteContext, type RouteDef } from '../../http/define-route.ts';
import { serveFollowStream } from '../../http/sse.ts';
import { isCursor } from '../../events/event-reads.ts';
import { sendPage } from '../../http/pagination.ts';
import type { Principal } from '../../http/principal.ts';
import type { InboxFrame, InboxService } from './inbox.service.ts';
import { InboxChatSchema, InboxCountsQuerySchema, InboxCountsSchema, InboxEventSchema, InboxFollowQuerySchema, InboxParams, InboxQuerySchema } from './inbox.schemas.ts';

const HEARTBEAT_MS = 20_000;
/** The SSE frame: recorded events carry their cursor as `id:`, typing signals none. */
const sseFrame = (f: InboxFrame) => ('cursor' in f ? { id: f.cursor, event: f.type, data: f } : { event: f.type, data: f });

const tags = ['Inbox'];
const viewerOf = (principal: Principal) => ({ userId: principal.kind === 'member' ? principal.userId : null });

type FollowContext = Pick<RouteContext<unknown, { after?: string }, unknown>, 'orgId' | 'query' | 'request' | 'reply'>;

export function inboxRoutes(inbox: InboxService): RouteDef[] {
  const followOverSse = async ({ orgId, query, request, reply }: FollowContext) =>
    serveFollowStream(request, reply, {
      after: query.after,
      heartbeatMs: HEARTBEAT_MS,
      isCursor,
      subscribe: (after, send) => inbox.follow(orgId, after, (f) => send(sseFrame(f))),
    });

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
        sendPage(reply, await inbox.list(orgId, { page: query.page, take: query.take, filter: query.filter, assistantId: query.assistant_id, channel: query.channel, contactId: query.contact_id }, viewerOf(principal))),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/inbox/stream',
      operationId: 'streamInbox',
      summary: 'Follow the inbox live (Server-Sent Events)',
      description: [
        'The org\'s chat and message events as they happen, as Server-Sent Events: each frame has `id:` (a cursor), `event:` (the event type: `chat.created`, `chat.updated`, `message.created`...) and `data:` (the JSON of `InboxEvent`).',
        'A client that reconnects sends the last `id` it saw as `Last-Event-ID` (browsers\' EventSource does it by itself) or as `after`: the events since then are replayed from the event log first, then it continues live, with nothing missed and nothing twice. A comment line every 20 seconds keeps the connection open through proxies.',
      ].join('\n\n'),
      tags,
      auth: { permission: 'chats:read' },
      params: InboxParams,
      query: InboxFollowQuerySchema,
      responses: { 200: { description: 'The event stream.', content: { 'text/event-stream': { schema: InboxEventSchema } } } },
      handler: followOverSse,
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/inbox/ws',
      operationId: 'inboxWebSocket',
      summary: 'Follow the inbox live (WebSocket)',
      description:
        'The same events as `GET /orgs/{org_id}/inbox/stream`, over a WebSocket: one JSON text frame per event, `InboxEvent` (`{type, id, cursor, created_at, data}`). Authenticate with the `Authorization: Bearer` header or the session cookie (browsers). `after` resumes after a cursor. A request without the upgrade gets the events as Server-Sent Events.',
      tags,
      auth: { permission: 'chats:read' },
      params: InboxParams,
      query: InboxFollowQuerySchema,
      responses: {
        200: { description: 'Without a WebSocket upgrade: the same events as Server-Sent Events (as `/inbox/stream`).', content: { 'text/event-stream': { schema: InboxEventSchema } } },
        101: { description: 'Switching to the WebSocket protocol; then one `InboxEvent` per text frame.', content: { 'application/json': { schema: InboxEventSchema } } },
      },
      // A client that cannot upgrade still gets the events, as Server-Sent Events.
      handler: followOverSse,
      websocket: (socket, { orgId, query }) => {
        let stop: (() => Promise<void>) | undefined;
        let closed = false;
        const alive = setInterval(() => socket.ping(), HEARTBEAT_MS);
        socket.on('close', () => {
          closed = true;
          clearInterval(alive);
          void stop?.();
        });
        // Clients only listen; anything they send is ignored.
        socket.on('message', () => {});
        inbox.follow(orgId, query.after, (f) => socket.send(JSON.stringify(f))).then(
          async (s) => {
            stop = s;
            if (closed) await s();
          },
          (err: Error) => socket.close(1008, err.message.slice(0, 120)),
        );
      },
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
      handler: async ({ orgId, query, principal }) => inbox.counts(orgId, { assistantId: query.assistant_id, channel: query.channel }, viewerOf(principal)),
    }),
  ];
}
