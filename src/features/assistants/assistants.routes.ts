import { z } from 'zod';
import { DeletedSchema, OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import {
  AssistantParams,
  AssistantSchema,
  CreateAssistantBodySchema,
  UpdateAssistantBodySchema,
} from './assistants.schemas.ts';
import type { AssistantsService } from './assistants.service.ts';

const tags = ['Assistants'];

export function assistantsRoutes(assistants: AssistantsService, opts: { createLimitPerHour: number }): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/assistants',
      operationId: 'listAssistants',
      summary: 'List assistants',
      description: 'Assistants of the organization (deleted ones excluded), newest first.',
      tags,
      auth: { permission: 'assistants:read' },
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(AssistantSchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await assistants.list(orgId, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/assistants',
      operationId: 'createAssistant',
      summary: 'Create an assistant',
      description: `Limited to ${opts.createLimitPerHour} creations per hour per organization.`,
      tags,
      auth: { permission: 'assistants:manage' },
      params: OrgParams,
      body: CreateAssistantBodySchema,
      responses: { 200: AssistantSchema },
      rateLimit: {
        name: 'assistant-create',
        limit: opts.createLimitPerHour,
        windowMs: 3_600_000,
        message: `assistant creation limit reached: at most ${opts.createLimitPerHour} per hour per organization`,
      },
      handler: async ({ orgId, body, actor }) => assistants.create(orgId, body, actor),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/assistants/:assistant_id',
      operationId: 'getAssistant',
      summary: 'Get an assistant',
      description: 'One assistant of the org with its full config; another org\'s assistant answers 404, like a missing one.',
      tags,
      auth: { permission: 'assistants:read' },
      params: AssistantParams,
      responses: { 200: AssistantSchema },
      handler: async ({ orgId, params }) => assistants.get(orgId, params.assistant_id),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/orgs/:org_id/assistants/:assistant_id',
      operationId: 'updateAssistant',
      summary: 'Update an assistant',
      description: 'Partial update; `config` fields are merged into the stored config.',
      tags,
      auth: { permission: 'assistants:manage' },
      params: AssistantParams,
      body: UpdateAssistantBodySchema,
      responses: { 200: AssistantSchema },
      handler: async ({ orgId, params, body, actor }) => assistants.update(orgId, params.assistant_id, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/assistants/:assistant_id',
      operationId: 'deleteAssistant',
      summary: 'Delete an assistant',
      description: 'Soft delete: the assistant leaves lists and the runtime API; its conversations and usage remain.',
      tags,
      auth: { permission: 'assistants:manage' },
      params: AssistantParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await assistants.remove(orgId, params.assistant_id, actor);
        return { id: params.assistant_id, deleted: true as const };
      },
    }),
  ];
}
