import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDef } from './define-route.ts';
import { tidyComponentSchemas } from './openapi-components.ts';
import { PAGINATION_HEADERS } from './pagination.ts';
import { PROBE_PATHS } from './probes.ts';

const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { description: 'Requests allowed in the current window.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
};

export const TAGS = [
  { name: 'Organizations', description: 'Your organization and its sub-organizations.' },
  { name: 'API keys', description: 'Keys that authenticate calls to this API.' },
  { name: 'Members', description: 'The people of an organization, their roles, and invitations.' },
  { name: 'Sign-in', description: 'Sign-in, sessions and the signed-in user.' },
  { name: 'Assistants', description: 'AI assistants and their configuration.' },
  { name: 'Runtime', description: 'Invoke assistants, with or without streaming.' },
  { name: 'Knowledge', description: 'What assistants know: texts, files and websites, and search over them.' },
  { name: 'Chats', description: 'Stored conversations and their messages.' },
  { name: 'Inbox', description: 'The conversations a support team works: views by state and assignment, with counts.' },
  { name: 'Chat state', description: 'The inbox side of a conversation: open, snoozed or resolved, assigned to whom, handled by the AI or by a person.' },
  { name: 'Chat memories', description: 'Rolling summaries of a conversation, written every 10 messages when an assistant keeps memories.' },
  { name: 'Contacts', description: 'The people an organization talks to, their channels and custom attributes.' },
  { name: 'Segments', description: 'Named, coloured groups of contacts.' },
  { name: 'Usage', description: 'Token usage and budgets.' },
  { name: 'Model providers', description: 'Per-org credentials for model providers.' },
  { name: 'Audit log', description: 'Who changed what: the event log of an organization.' },
  { name: 'Web widget', description: "The embeddable widget's public API: visitor sessions, their chats and messages, with a visitor token instead of an API key." },
  { name: 'Webhooks', description: 'Signed HTTP callbacks for events, with retries, a delivery log and redelivery.' },
  { name: 'Meta', description: 'Health, readiness, this document and the documentation pages.' },
];

type OpenApiDoc = {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<
    string,
    Record<string, { operationId?: string; requestBody?: { content?: Record<string, unknown> }; responses?: Record<string, Record<string, unknown>> }>
  >;
};

interface Decorations {
  paginated: Set<string>;
  /** Operations behind the per-IP limit: their every response carries the RateLimit-* headers. */
  limited: Set<string>;
  multipart: Map<string, z.ZodType>;
}

/** Adds what zod schemas cannot say: list and rate-limit headers, and multipart request bodies. */
function decorate(doc: OpenApiDoc, { paginated, limited, multipart }: Decorations): OpenApiDoc {
  for (const methods of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(methods)) {
      const form = op.operationId ? multipart.get(op.operationId) : undefined;
      if (form && op.requestBody?.content) {
        const { $schema: _, ...schema } = z.toJSONSchema(form, { target: 'draft-2020-12', io: 'input' });
        op.requestBody.content['multipart/form-data'] = { schema };
      }
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const headers: Record<string, unknown> = op.operationId && limited.has(op.operationId) ? { ...RATE_LIMIT_HEADERS } : {};
        if (status === '200' && op.operationId && paginated.has(op.operationId)) Object.assign(headers, PAGINATION_HEADERS);
        if (status === '429') headers['Retry-After'] = { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } };
        if (Object.keys(headers).length > 0) response.headers = { ...headers, ...(response.headers as object | undefined) };
      }
    }
  }
  return tidyComponentSchemas(doc);
}

/** A self-hosted instance's contact is whoever runs it; its guides are the one address we know. */
function contactOf(serverUrl: string): { name: string; url?: string } {
  const name = 'The operators of this Parley instance';
  return /^https?:\/\//.test(serverUrl) ? { name, url: new URL('/guides', serverUrl).href } : { name };
}

export async function registerOpenApi(
  app: FastifyInstance,
  opts: { routes: RouteDef[]; version: string; serverUrl: string },
): Promise<void> {
  const multipart = new Map(opts.routes.filter((r) => r.multipart).map((r) => [r.operationId, r.multipart!.schema]));
  const paginated = new Set(opts.routes.filter((r) => r.query && r.operationId.startsWith('list')).map((r) => r.operationId));
  const limited = new Set(opts.routes.filter((r) => !PROBE_PATHS.has(r.url)).map((r) => r.operationId));
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: opts.version,
        description:
          'Management API (`/orgs/{org_id}/...`) and runtime API (`/api/agents/{agentId}/invoke`) of a Parley instance. ' +
          'Authenticate with `Authorization: Bearer <api key>`, or as a signed-in user with the session cookie. Guides: `/guides`, index for agents: `/llms.txt`.',
        contact: contactOf(opts.serverUrl),
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: opts.serverUrl, description: 'This Parley instance' }],
      tags: TAGS,
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key: `apk_` followed by 43 characters.' },
          visitorToken: { type: 'http', scheme: 'bearer', description: 'A web widget visitor token (`pwv_...`) from `POST /widget/v1/sessions`: the widget\'s public API only.' },
          sessionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: 'parley_session',
            description: 'A signed-in user\'s session (`POST /auth/sign-in`). Unsafe methods also need the `x-csrf-token` header.',
          },
        },
      },
      security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => decorate(jsonSchemaTransformObject(input) as OpenApiDoc, { paginated, limited, multipart }) as never,
  });
}
