import { z } from 'zod';
import { OrgParams, PageQuerySchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { sendPage } from '../../http/pagination.ts';
import { ApiKeyParams, ApiKeySchema, CreateApiKeyBodySchema, CreatedApiKeySchema } from './api-keys.schemas.ts';
import type { ApiKeysService } from './api-keys.service.ts';

const tags = ['API keys'];

export function apiKeysRoutes(keys: ApiKeysService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/api-keys',
      operationId: 'listApiKeys',
      summary: 'List API keys',
      description: 'Active (not revoked) keys of the organization, newest first. Secrets are never returned.',
      tags,
      auth: { permission: 'keys:manage' },
      params: OrgParams,
      query: PageQuerySchema,
      responses: { 200: z.array(ApiKeySchema) },
      handler: async ({ orgId, query, reply }) => sendPage(reply, await keys.list(orgId, query)),
    }),
    defineRoute({
      method: 'POST',
      url: '/orgs/:org_id/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key',
      description: 'Returns the secret in `key` once; only its SHA-256 hash is stored.',
      tags,
      auth: { permission: 'keys:manage' },
      params: OrgParams,
      body: CreateApiKeyBodySchema,
      responses: { 200: CreatedApiKeySchema },
      handler: async ({ orgId, body, actor }) => keys.create(orgId, body, undefined, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/api-keys/:key_id',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key',
      description: 'The key stops working at once and disappears from the list.',
      tags,
      auth: { permission: 'keys:manage' },
      params: ApiKeyParams,
      responses: { 200: ApiKeySchema },
      handler: async ({ orgId, params, actor }) => keys.revoke(orgId, params.key_id, actor),
    }),
  ];
}
