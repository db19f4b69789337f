import { z } from 'zod';
import { DeletedSchema } from '../../http/common-schemas.ts';
import { defineRoute, type RouteDef } from '../../http/define-route.ts';
import { ModelProviderSchema, ProviderCredentialSchema, ProviderParams, ProvidersListParams, PutProviderBodySchema } from './providers.schemas.ts';
import type { ProvidersService } from './providers.service.ts';

const tags = ['Model providers'];

export function providersRoutes(providers: ProvidersService): RouteDef[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/models',
      operationId: 'listModelProviders',
      summary: 'List the model providers an assistant can use',
      description:
        "The providers whose models this org's assistants can use (an assistant's `config.model` is `provider/model`): the built-in offline model, and each provider configured by the instance's settings, this org's stored credentials or a parent org's, with well-known model names. No credential is returned.",
      tags,
      auth: { permission: 'assistants:read' },
      params: ProvidersListParams,
      responses: { 200: z.array(ModelProviderSchema) },
      handler: async ({ orgId }) => providers.usable(orgId),
    }),
    defineRoute({
      method: 'GET',
      url: '/orgs/:org_id/providers',
      operationId: 'listProviderCredentials',
      summary: 'List model provider credentials',
      description: "Credentials this org stored for model providers (keys are never returned). Sub-orgs without their own use their parent's.",
      tags,
      auth: { permission: 'providers:manage' },
      params: ProvidersListParams,
      responses: { 200: z.array(ProviderCredentialSchema) },
      handler: async ({ orgId }) => providers.list(orgId),
    }),
    defineRoute({
      method: 'PUT',
      url: '/orgs/:org_id/providers/:provider',
      operationId: 'putProviderCredential',
      summary: 'Store model provider credentials',
      description: "Stores (encrypted) the org's API key and/or base URL for a provider; they win over the instance's.",
      tags,
      auth: { permission: 'providers:manage' },
      params: ProviderParams,
      body: PutProviderBodySchema,
      responses: { 200: ProviderCredentialSchema },
      handler: async ({ orgId, params, body, actor }) => providers.put(orgId, params.provider, body, actor),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/orgs/:org_id/providers/:provider',
      operationId: 'deleteProviderCredential',
      summary: 'Delete model provider credentials',
      description: "Removes the org's stored key and base URL for the provider; calls then use the parent org's or the instance's.",
      tags,
      auth: { permission: 'providers:manage' },
      params: ProviderParams,
      responses: { 200: DeletedSchema },
      handler: async ({ orgId, params, actor }) => {
        await providers.remove(orgId, params.provider, actor);
        return { id: params.provider, deleted: true as const };
      },
    }),
  ];
}
