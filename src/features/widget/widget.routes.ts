import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { clientAbortSignal, sendEventStream, serveFollowStream } from '../../http/sse.ts';
import { isCursor } from '../../events/event-reads.ts';
import { type ChatLive, ChatLiveEventSchema, type CustomerSide, CustomerChatStateSchema, CustomerMessageSchema, liveSseFrame, type Typing, TypingBodySchema, TypingSignalSchema } from '../chats/index.ts';
import { StreamEventSchema } from '../runtime/index.ts';
import type { RuntimeService } from '../runtime/index.ts';
import type { RequestOrigin, WidgetService } from './widget.service.ts';
import {
  WidgetChatParams,
  WidgetChatSchema,
  WidgetFollowQuerySchema,
  WidgetMessageBodySchema,
  WidgetPageQuerySchema,
  WidgetRateBodySchema,
  WidgetSessionBodySchema,
  WidgetSessionSchema,
} from './widget.schemas.ts';

const tags = ['Web widget'];
const HEARTBEAT_MS = 20_000;

/**
 * Where a request comes from (its Origin) and Parley's own origin (the demo page, the dashboard's preview). Browsers
 * send no Origin on a same-origin GET, but do send `Sec-Fetch-Site: same-origin`, which a page cannot set: such a
 * request comes from Parley's own pages. (Neither header binds a client that is not a browser; the widget's origin
 * rules protect visitors' browsers, and a token works only for its assistant.)
 */
export const originOf = (request: FastifyRequest): RequestOrigin => {
  const origin = request.headers.origin;
  const self = `${request.protocol}://${request.host}`;
  if (typeof origin === 'string' && origin !== 'null') return { origin, self };
  return { origin: request.headers['sec-fetch-site'] === 'same-origin' ? self : undefined, self };
};

const visitorLimit = (name: string, limit: number, what: string) => ({
  name,
  limit,
  windowMs: 60_000,
  per: 'visitor' as const,
  message: `rate limit exceeded: at most ${limit} ${what} per minute per visitor`,
});

/** The web widget's public API (`/widget/v1/...`): no API key in the page; a visitor token instead. */
export function widgetRoutes(widget: WidgetService, customers: CustomerSide, live: ChatLive, typing: Typing, runtime: RuntimeService, opts: { timeoutMs: number }): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/widget/v1/sessions',
      operationId: 'startWidgetSession',
      summary: 'Start a widget visitor session',
      description: [
        "Issues a visitor token for an assistant whose web widget is enabled, to a page whose origin is in the assistant's `config.widget.allowed_origins` (403 otherwise). Send the token the browser already holds as `visitor_token` to go on as the same visitor (a renewed token comes back).",
        "For a signed-in user of the site, send `user_id` with `user_hash`, the HMAC-SHA256 (hex) of `user_id` keyed with the assistant's `secret_key`, computed by the site's server; a wrong hash is refused (403), and an assistant with `require_identity` refuses visitors without one. Verified users are matched to the contact with that WEB `user_id`; an anonymous visitor who signs in keeps their chats.",
      ].join('\n\n'),
      tags,
      auth: 'public',
      body: WidgetSessionBodySchema,
      responses: { 200: WidgetSessionSchema },
      errors: [404],
      rateLimit: { name: 'widget-sessions', limit: 60, windowMs: 60_000, per: 'ip', message: 'rate limit exceeded: at most 60 widget sessions per minute per IP address' },
      handler: async ({ body, request }) => widget.startSession(body, originOf(request)),
    }),
    defineRoute({
      method: 'GET',
      url: '/widget/v1/chats',
      operationId: 'listWidgetChats',
      summary: "List the visitor's chats",
      description: "The visitor's own chats with the assistant, most recently active first, each with its state and the last message they can see.",
      tags,
      auth: 'visitor',
      query: WidgetPageQuerySchema,
      responses: { 200: z.array(WidgetChatSchema) },
      rateLimit: visitorLimit('widget-reads', 120, 'reads'),
      handler: async ({ visitor, query, request, reply }) => {
        await widget.admit(visitor, originOf(request));
        return sendPage(reply, await customers.chats(await widget.scope(visitor), { page: query.page, take: query.take }));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/widget/v1/chats/:chat_id/messages',
      operationId: 'listWidgetMessages',
      summary: 'List the messages of a visitor chat',
      description: "What the visitor can read of one of their chats, oldest first: their messages and the assistant's and the team's replies (never internal notes).",
      tags,
      auth: 'visitor',
      params: WidgetChatParams,
      query: WidgetPageQuerySchema,
      responses: { 200: z.array(CustomerMessageSchema) },
      rateLimit: visitorLimit('widget-reads', 120, 'reads'),
      handler: async ({ visitor, params, query, request, reply }) => {
        await widget.admit(visitor, originOf(request));
        return sendPage(reply, await customers.messages(await widget.scope(visitor), params.chat_id, { page: query.page, take: query.take }));
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/widget/v1/messages',
      operationId: 'sendWidgetMessage',
      summary: 'Send a visitor message (streamed reply)',
      description:
        "The visitor writes (in a new chat, or in one of theirs with `chat_id`); the reply streams as the runtime API's `invoke/stream` does: `metadata` (with the `chat_id`), `token`s, then `done` (with `handover` when a person takes the chat) or `error`. While a person handles the chat the message is stored and `done` comes at once with an empty response.",
      tags,
      auth: 'visitor',
      body: WidgetMessageBodySchema,
      responses: { 200: { description: 'The reply as Server-Sent Events.', content: { 'text/event-stream': { schema: StreamEventSchema } } } },
      errors: [403],
      rateLimit: visitorLimit('widget-messages', 20, 'messages'),
      handler: async ({ visitor, body, request, reply }) => {
        await widget.admit(visitor, originOf(request));
        const prepared = await widget.prepareTurn(visitor, body, customers.own);
        const client = clientAbortSignal(reply, opts.timeoutMs);
        return sendEventStream(request, reply, client, runtime.stream(prepared, client.signal, client.clientGone));
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/widget/v1/chats/:chat_id/stream',
      operationId: 'streamWidgetChat',
      summary: 'Follow a visitor chat live (Server-Sent Events)',
      description:
        "One of the visitor's chats as it happens: the team's replies, the assistant's, handover and resolution, as `GET /chats/{chat_id}/stream` sends them (`ChatLiveEvent` frames with cursors; resume with `Last-Event-ID` or `after`).",
      tags,
      auth: 'visitor',
      params: WidgetChatParams,
      query: WidgetFollowQuerySchema,
      responses: { 200: { description: 'The event stream.', content: { 'text/event-stream': { schema: ChatLiveEventSchema } } } },
      handler: async ({ visitor, params, query, request, reply }) => {
        await widget.admit(visitor, originOf(request));
        const chat = await customers.own(await widget.scope(visitor), params.chat_id);
        return serveFollowStream(request, reply, {
          after: query.after,
          heartbeatMs: HEARTBEAT_MS,
          isCursor,
          subscribe: (after, send) => live.followChat(chat, after, (f) => send(liveSseFrame(f))),
        });
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/widget/v1/chats/:chat_id/typing',
      operationId: 'signalWidgetTyping',
      summary: 'Say that the visitor is typing',
      description:
        'Tells the team, on the inbox stream, that the visitor is typing in this chat (`typing` frames, `by: customer`). The widget sends it at most every few seconds while the visitor types; it is not recorded.',
      tags,
      auth: 'visitor',
      params: WidgetChatParams,
      body: TypingBodySchema,
      responses: { 200: TypingSignalSchema },
      rateLimit: visitorLimit('widget-typing', 60, 'typing signals'),
      handler: async ({ visitor, params, body, request }) => {
        await widget.admit(visitor, originOf(request));
        const chat = await customers.own(await widget.scope(visitor), params.chat_id);
        return typing.customer(chat.orgId, chat.id, body.typing);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/widget/v1/chats/:chat_id/seen',
      operationId: 'markWidgetChatSeen',
      summary: 'Mark a visitor chat as read',
      description: "The visitor has read the team's replies: the chat's `user_unseen_count` goes back to 0.",
      tags,
      auth: 'visitor',
      params: WidgetChatParams,
      responses: { 200: CustomerChatStateSchema },
      rateLimit: visitorLimit('widget-reads', 120, 'reads'),
      handler: async ({ visitor, params, request, actor }) => {
        await widget.admit(visitor, originOf(request));
        return customers.seen(await widget.scope(visitor), params.chat_id, actor);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/widget/v1/chats/:chat_id/rating',
      operationId: 'rateWidgetChat',
      summary: 'Rate a visitor chat',
      description:
        'The visitor answers the chat\'s rating request (a `csat_request` message, sent when the chat is resolved and the assistant has `enable_auto_csat`) from 1 to 5: the CSAT score the team sees as `csat_score`. A chat that did not ask answers 409; rating again replaces the score.',
      tags,
      auth: 'visitor',
      params: WidgetChatParams,
      body: WidgetRateBodySchema,
      responses: { 200: CustomerChatStateSchema },
      errors: [409],
      rateLimit: visitorLimit('widget-messages', 20, 'messages'),
      handler: async ({ visitor, params, body, request, actor }) => {
        await widget.admit(visitor, originOf(request));
        return customers.rate(await widget.scope(visitor), params.chat_id, body.score, actor);
      },
    }),
  ];
}
