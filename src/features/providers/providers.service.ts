import type { Db } from '../../db/client.ts';
import { type Actor, SYSTEM_ACTOR } from '../../events/actor.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { CacheStore } from '../../infra/cache/cache.ts';
import type { ProviderCredentialRow } from '../../db/schema.ts';
import type { SecretBox } from '../../infra/secret-box.ts';
import { AppError, badRequest, notFound } from '../../lib/errors.ts';
import type { CredentialProvider, OrgCredential } from '../../llm/registry.ts';
import type { EgressPolicy } from '../../infra/egress/egress.ts';
import { assertAllowedUrl } from '../../infra/egress/url-guard.ts';
import * as repo from './providers.repo.ts';
import type { ModelProvider, ProviderCredential, PutProviderInput } from './providers.schemas.ts';

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

const CREDENTIAL_PROVIDERS = ['openai', 'anthropic', 'openai-compatible'] as const satisfies readonly CredentialProvider[];

/** Well-known model names per provider, offered by the dashboard; any name the provider serves is accepted. */
const SUGGESTED_MODELS: Record<ModelProvider['provider'], readonly string[]> = {
  builtin: ['extractive'],
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1', 'gpt-5-mini', 'gpt-5', 'o4-mini'],
  anthropic: ['claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-4-1'],
  'openai-compatible': [],
};

/** Org-stored model provider credentials, encrypted at rest; keys are never returned. */
export function createProvidersService(deps: {
  db: Db;
  events: EventLog;
  caches: CacheStore;
  secretBox: () => SecretBox | undefined;
  /** The policy of the guarded egress client these base URLs are called through. */
  egressPolicy: EgressPolicy;
  cacheTtlMs?: number;
  /** The providers the instance's own settings configure (see ModelRegistry.instanceProviders). */
  instanceProviders?: readonly CredentialProvider[];
}) {
  const { db, events } = deps;
  // Resolved per (org, provider), misses included: most orgs store none and use the instance's.
  // Sub-orgs inherit, so any change clears the whole cache.
  const resolved = deps.caches.cache<OrgCredential | null>('provider-credentials', { ttlMs: deps.cacheTtlMs ?? 0 });
  events.onChange(['provider.updated', 'provider.deleted', 'org.deleted'], () => resolved.clear());
  const box = () => {
    const b = deps.secretBox();
    if (!b) throw badRequest('storing provider credentials needs PARLEY_SECRET to be set on this instance');
    return b;
  };

  return {
    async list(orgId: string): Promise<ProviderCredential[]> {
      return (await repo.listCredentials(db, orgId)).map(toApi);
    },

    async put(orgId: string, provider: Provider, input: PutProviderInput, actor: Actor = SYSTEM_ACTOR): Promise<ProviderCredential> {
      const current = await repo.findCredential(db, orgId, provider);
      const apiKey = input.api_key;
      const baseUrl = input.base_url === undefined ? (current?.baseUrl ?? null) : input.base_url;
      if (provider === 'openai-compatible' && !baseUrl) throw badRequest('base_url: is required for openai-compatible');
      if (input.base_url) await assertAllowedUrl(deps.egressPolicy, input.base_url, { field: 'base_url', unresolvable: 'refuse' });
      const apiKeyEncrypted = apiKey === undefined ? (current?.apiKeyEncrypted ?? null) : apiKey === null ? null : box().seal(apiKey);
      const apiKeyHint = apiKey === undefined ? (current?.apiKeyHint ?? null) : apiKey === null ? null : `...${apiKey.slice(-4)}`;
      if (!apiKeyEncrypted && provider !== 'openai-compatible') throw badRequest(`api_key: is required for ${provider}`);
      return events.transaction(actor, async (tx, emit) => {
        const row = await repo.upsertCredential(tx, { orgId, provider, apiKeyEncrypted, apiKeyHint, baseUrl });
        emit({ type: 'provider.updated', orgId, subjectId: provider, data: { provider } });
        return toApi(row);
      });
    },

    async remove(orgId: string, provider: Provider, actor: Actor = SYSTEM_ACTOR): Promise<void> {
      await events.transaction(actor, async (tx, emit) => {
        if (!(await repo.deleteCredential(tx, orgId, provider))) throw notFound('Provider credential');
        emit({ type: 'provider.deleted', orgId, subjectId: provider, data: { provider } });
      });
    },

    /** The providers an assistant of this org can use, the built-in model first, with where their credentials come from. */
    async usable(orgId: string): Promise<ModelProvider[]> {
      const out: ModelProvider[] = [{ provider: 'builtin', configured_by: 'builtin', suggested_models: [...SUGGESTED_MODELS.builtin] }];
      for (const provider of CREDENTIAL_PROVIDERS) {
        const own = await credentialFor(orgId, provider);
        const configuredBy = own ? (own.version.startsWith(`${orgId}:`) ? 'org' : 'parent_org') : deps.instanceProviders?.includes(provider) ? 'instance' : undefined;
        if (configuredBy) out.push({ provider, configured_by: configuredBy, suggested_models: [...SUGGESTED_MODELS[provider]] });
      }
      return out;
    },

    credentialFor,
  };

  /** Decrypted credential for the runtime: the org's own or its nearest ancestor's. */
  async function credentialFor(orgId: string, provider: string): Promise<OrgCredential | undefined> {
    return (await resolved.getOrLoad(`${orgId} ${provider}`, () => loadCredential(orgId, provider))) ?? undefined;
  }

  async function loadCredential(orgId: string, provider: string): Promise<OrgCredential | null> {
    const row = await repo.nearestCredential(db, orgId, provider as Provider);
    if (!row) return null;
    let apiKey: string | undefined;
    if (row.apiKeyEncrypted) {
      try {
        apiKey = box().open(row.apiKeyEncrypted);
      } catch {
        throw new AppError('internal', 'stored provider credentials cannot be decrypted (was PARLEY_SECRET changed?)');
      }
    }
    return { provider: row.provider, apiKey, baseUrl: row.baseUrl ?? undefined, version: `${row.orgId}:${row.updatedAt.getTime()}` };
  }
}
