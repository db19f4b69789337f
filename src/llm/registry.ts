import type { LanguageModelV2 } from '@ai-sdk/provider';
import type { Config } from '../config/config.ts';
import { AppError } from '../lib/errors.ts';
import { createExtractiveModel } from './builtin/extractive-model.ts';
import { contextWindowOf } from './context-window.ts';

export const PROVIDERS = ['openai', 'anthropic', 'openai-compatible', 'builtin'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
export type CredentialProvider = Exclude<ProviderId, 'builtin'>;

/** The setting that configures each provider for the whole instance. */
const INSTANCE_SETTING: Record<CredentialProvider, string> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  'openai-compatible': 'OPENAI_COMPATIBLE_BASE_URL',
};

/** Credentials an org stored for itself (decrypted); they win over the instance's. */
export interface OrgCredential {
  provider: CredentialProvider;
  apiKey?: string;
  baseUrl?: string;
  /** Marks the credential version, so cached provider clients are rebuilt after a change. */
  version: string;
}

export interface ResolvedModel {
  ref: string;
  provider: ProviderId;
  modelId: string;
  model: LanguageModelV2;
  contextWindow: number;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface ModelRegistry {
  /**
   * The model of `ref`; a promise only the first time a vendor's model is resolved (its SDK package is loaded then).
   * Refusals (an unknown or unconfigured provider) are thrown at once.
   */
  resolve(ref: string, orgCredential?: OrgCredential): ResolvedModel | Promise<ResolvedModel>;
  /** The providers this instance's own settings configure (OPENAI_API_KEY...), usable by every org. */
  instanceProviders: CredentialProvider[];
}

/** An org's model: its own stored credential for the provider when it has one, else the instance's. */
export async function resolveForOrg(
  models: ModelRegistry,
  ref: string,
  credentialFor: (provider: string) => Promise<OrgCredential | undefined>,
): Promise<ResolvedModel> {
  const { provider } = parseModelRef(ref);
  return await models.resolve(ref, provider === 'builtin' ? undefined : await credentialFor(provider));
}

export function parseModelRef(ref: string): { provider: string; modelId: string } {
  const i = ref.indexOf('/');
  return { provider: ref.slice(0, i), modelId: ref.slice(i + 1) };
}

/** How to reach a vendor: the instance's settings or an org's stored credential. */
interface ClientSettings {
  apiKey?: string;
  baseUrl?: string;
  fetch: typeof globalThis.fetch;
}

/**
 * Each vendor's AI SDK package, imported the first time one of its models is resolved: an instance that answers with
 * the built-in model (the default) never loads them, about 1 MB of heap and their share of the start-up.
 */
const PROVIDER_CLIENTS: Record<CredentialProvider, () => Promise<(s: ClientSettings) => (modelId: string) => LanguageModelV2>> = {
  openai: async () => {
    const { createOpenAI } = await import('@ai-sdk/openai');
    return (s) => {
      const openai = createOpenAI({ apiKey: s.apiKey ?? '', baseURL: s.baseUrl, fetch: s.fetch });
      return (m) => openai.chat(m);
    };
  },
  anthropic: async () => {
    const { createAnthropic } = await import('@ai-sdk/anthropic');
    return (s) => {
      const anthropic = createAnthropic({ apiKey: s.apiKey ?? '', baseURL: s.baseUrl, fetch: s.fetch });
      return (m) => anthropic(m);
    };
  },
  'openai-compatible': async () => {
    const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
    return (s) => {
      if (!s.baseUrl) throw new AppError('bad_request', 'openai-compatible credentials need a base_url');
      const compat = createOpenAICompatible({ name: 'openai-compatible', baseURL: s.baseUrl, apiKey: s.apiKey, includeUsage: true, fetch: s.fetch });
      return (m) => compat(m);
    };
  },
};

/**
 * Turns `provider/model` into an AI SDK model. Instance credentials come from config; an org's
 * own credentials (base URLs chosen by users) go through the SSRF-guarded `guardedFetch`.
 */
export function createModelRegistry(
  config: Pick<Config, 'providers' | 'llm'>,
  http: { fetch: FetchLike; guardedFetch: FetchLike },
): ModelRegistry {
  type Factory = (modelId: string) => LanguageModelV2;
  type Client = (s: ClientSettings) => Factory;
  const fetch = http.fetch as typeof globalThis.fetch;
  const p = config.providers;
  const instanceSettings: Partial<Record<CredentialProvider, ClientSettings>> = {
    ...(p.openai && { openai: { apiKey: p.openai.apiKey?.reveal(), baseUrl: p.openai.baseUrl, fetch } }),
    ...(p.anthropic && { anthropic: { apiKey: p.anthropic.apiKey?.reveal(), baseUrl: p.anthropic.baseUrl, fetch } }),
    ...(p.openaiCompatible && { 'openai-compatible': { apiKey: p.openaiCompatible.apiKey?.reveal(), baseUrl: p.openaiCompatible.baseUrl, fetch } }),
  };
  const clients = new Map<CredentialProvider, Client>();
  const loading = new Map<CredentialProvider, Promise<void>>();
  const load = (provider: CredentialProvider) => {
    let l = loading.get(provider);
    if (!l) {
      l = PROVIDER_CLIENTS[provider]().then((client) => void clients.set(provider, client));
      // A failed import is tried again by the next call rather than remembered.
      l.catch(() => loading.delete(provider));
      loading.set(provider, l);
    }
    return l;
  };
  const instance = new Map<CredentialProvider, Factory>();
  const instanceFactory = (provider: CredentialProvider, client: Client): Factory => {
    let f = instance.get(provider);
    if (!f) instance.set(provider, (f = client(instanceSettings[provider]!)));
    return f;
  };

  // Provider clients for org credentials, rebuilt when the credential changes.
  const orgFactories = new Map<string, Factory>();
  const orgFactory = (cred: OrgCredential, client: Client): Factory => {
    const cacheKey = `${cred.provider}:${cred.version}`;
    let f = orgFactories.get(cacheKey);
    if (f) return f;
    f = client({ apiKey: cred.apiKey, baseUrl: cred.baseUrl, fetch: http.guardedFetch as typeof globalThis.fetch });
    if (orgFactories.size > 1000) {
      for (const old of orgFactories.values()) models.delete(old);
      orgFactories.clear();
    }
    orgFactories.set(cacheKey, f);
    return f;
  };

  const builtin = createExtractiveModel('extractive');
  // A model object per (client, model id), built once: constructing one per request rebuilds the
  // SDK's response schemas each time, which showed up in profiles of the invoke path.
  const models = new Map<Factory, Map<string, LanguageModelV2>>();
  const modelOf = (factory: Factory, modelId: string): LanguageModelV2 => {
    let byId = models.get(factory);
    if (!byId) models.set(factory, (byId = new Map()));
    let m = byId.get(modelId);
    if (!m) {
      if (byId.size > 1000) byId.clear();
      byId.set(modelId, (m = factory(modelId)));
    }
    return m;
  };

  const registry: ModelRegistry = {
    instanceProviders: Object.keys(instanceSettings) as CredentialProvider[],
    resolve(ref, orgCredential) {
      const { provider, modelId } = parseModelRef(ref);
      const contextWindow = contextWindowOf(ref, config.llm.defaultContextWindow);
      if (provider === 'builtin') {
        if (modelId !== 'extractive') throw new AppError('bad_request', `unknown built-in model "${ref}"; use builtin/extractive`);
        return { ref, provider, modelId, model: builtin, contextWindow };
      }
      if (!(PROVIDERS as readonly string[]).includes(provider)) {
        throw new AppError('bad_request', `unknown model provider "${provider}" in "${ref}"`);
      }
      const p = provider as CredentialProvider;
      const own = orgCredential?.provider === p ? orgCredential : undefined;
      if (!own && !instanceSettings[p]) {
        throw new AppError(
          'bad_request',
          `model provider "${p}" of "${ref}" is not configured on this instance: the operator sets ${INSTANCE_SETTING[p]}, or an org admin stores the org's own credentials with PUT /orgs/{org_id}/providers/${p} (see /guides/model-providers)`,
        );
      }
      const client = clients.get(p);
      if (!client) return load(p).then(() => registry.resolve(ref, orgCredential));
      const factory = own ? orgFactory(own, client) : instanceFactory(p, client);
      return { ref, provider: p, modelId, model: modelOf(factory, modelId), contextWindow };
    },
  };
  return registry;
}
