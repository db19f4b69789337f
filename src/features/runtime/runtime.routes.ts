import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { clientAbortSignal, sendEventStream } from '../../http/sse.ts';
import { AgentParams, InvokeBodySchema, InvokeResponseSchema, STREAM_DESCRIPTION, StreamEventSchema } from './runtime.schemas.ts';
import type { RuntimeService } from './runtime.service.ts';

const tags = ['Runtime'];

export function runtimeRoutes(runtime: RuntimeService, opts: { timeoutMs: number }): RouteDef[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/agents/:agentId/invoke',
      operationId: 'invokeAgent',
      summary: 'Invoke an agent',
      description:
        'Send a message (and optionally earlier turns) and receive the complete reply with token usage. Every call is stored as a chat.',
      tags,
      auth: { permission: 'runtime:invoke' },
      params: AgentParams,
      body: InvokeBodySchema,
      responses: { 200: InvokeResponseSchema },
      errors: [403, 502],
      handler: async ({ principal, params, body, reply }) => {
        const client = clientAbortSignal(reply, opts.timeoutMs);
        const prepared = await runtime.prepare(principal, params.agentId, body);
        return runtime.invoke(prepared, client.signal, client.clientGone);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/agents/:agentId/invoke/stream',
      operationId: 'streamAgent',
      summary: 'Invoke an agent with a streamed reply',
      description: `Same request as invoke. Errors found before streaming are plain JSON with their status.\n\n${STREAM_DESCRIPTION}`,
      tags,
      auth: { permission: 'runtime:invoke' },
      params: AgentParams,
      body: InvokeBodySchema,
      responses: {
        200: {
          description: 'The reply as Server-Sent Events.',
          content: { 'text/event-stream': { schema: StreamEventSchema } },
        },
      },
      errors: [403],
      handler: async ({ request, principal, params, body, reply }) => {
        const prepared = await runtime.prepare(principal, params.agentId, body);
        const client = clientAbortSignal(reply, opts.timeoutMs);
        return sendEventStream(request, reply, client, runtime.stream(prepared, client.signal, client.clientGone));
      },
    }),
  ];
}
