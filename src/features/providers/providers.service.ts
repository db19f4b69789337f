import type { Db } from '../../db/client.ts';
import type { ProviderCredentialRow } from '../../db/schema.ts';
import type { SecretBox } from '../../infra/secret-box.ts';
import { AppError, badRequest, notFound } from '../../lib/errors.ts';
import type { OrgCredential } from '../../llm/registry.ts';
import * as repo from './providers.repo.ts';
import type { ProviderCredential, PutProviderInput } from './providers.schemas.ts';

type Provider = ProviderCredentialRow['provider'];
export type ProvidersService = ReturnType<typeof createProvidersService>;

const toApi = (row: ProviderCredentialRow): ProviderCredential => ({
  provider: row.provider,
  base_url: row.baseUrl,
  has_api_key: row.apiKeyEncrypted !== null,
  api_key_hint: row.apiKeyHint,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** Org-stored model provider credentials, encrypted at rest; keys are never returned. */
export function createProvidersService(deps: { db: Db; secretBox: () => SecretBox | undefined }) {
  const { db } = deps;
  const box = () => {
    const b = deps.secretBox();
    if (!b) throw badRequest('storing provider credentials needs PARLEY_SECRET to be set on this instance');
    return b;
  };

  return {
    async list(orgId: string): Promise<ProviderCredential[]> {
      return (await repo.listCredentials(db, orgId)).map(toApi);
    },

    async put(orgId: string, provider: Provider, input: PutProviderInput): Promise<ProviderCredential> {
      const current = await repo.findCredential(db, orgId, provider);
      const apiKey = input.api_key;
      const baseUrl = input.base_url === undefined ? (current?.baseUrl ?? null) : input.base_url;
      if (provider === 'openai-compatible' && !baseUrl) throw badRequest('base_url: is required for openai-compatible');
      const apiKeyEncrypted = apiKey === undefined ? (current?.apiKeyEncrypted ?? null) : apiKey === null ? null : box().seal(apiKey);
      const apiKeyHint = apiKey === undefined ? (current?.apiKeyHint ?? null) : apiKey === null ? null : `...${apiKey.slice(-4)}`;
      if (!apiKeyEncrypted && provider !== 'openai-compatible') throw badRequest(`api_key: is required for ${provider}`);
      return toApi(await repo.upsertCredential(db, { orgId, provider, apiKeyEncrypted, apiKeyHint, baseUrl }));
    },

    async remove(orgId: string, provider: Provider): Promise<void> {
      if (!(await repo.deleteCredential(db, orgId, provider))) throw notFound('Provider credential');
    },

    /** Decrypted credential for the runtime: the org's own or its nearest ancestor's. */
    async credentialFor(orgId: string, provider: string): Promise<OrgCredential | undefined> {
      const row = await repo.nearestCredential(db, orgId, provider as Provider);
      if (!row) return undefined;
      let apiKey: string | undefined;
      if (row.apiKeyEncrypted) {
        try {
          apiKey = box().open(row.apiKeyEncrypted);
        } catch {
          throw new AppError('internal', 'stored provider credentials cannot be decrypted (was PARLEY_SECRET changed?)');
        }
      }
      return { provider: row.provider, apiKey, baseUrl: row.baseUrl ?? undefined, version: `${row.orgId}:${row.updatedAt.getTime()}` };
    },
  };
}
