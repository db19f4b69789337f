import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
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
  resolve(ref: string, orgCredential?: OrgCredential): ResolvedModel;
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
  return models.resolve(ref, provider === 'builtin' ? undefined : await credentialFor(provider));
}

export function parseModelRef(ref: string): { provider: string; modelId: string } {
  const i = ref.indexOf('/');
  return { provider: ref.slice(0, i), modelId: ref.slice(i + 1) };
}

/**
 * Turns `provider/model` into an AI SDK model. Instance credentials come from config; an org's
 * own credentials (base URLs chosen by users) go through the SSRF-guarded `guardedFetch`.
 */
export function createModelRegistry(
  config: Pick<Config, 'providers' | 'llm'>,
  http: { fetch: FetchLike; guardedFetch: FetchLike },
): ModelRegistry {
  const fetch = http.fetch as typeof globalThis.fetch;
  type Factory = (modelId: string) => LanguageModelV2;
  const instance = new Map<CredentialProvider, Factory>();
  const p = config.providers;
  if (p.openai) {
    const openai = createOpenAI({ apiKey: p.openai.apiKey?.reveal() ?? '', baseURL: p.openai.baseUrl, fetch });
    instance.set('openai', (m) => openai.chat(m));
  }
  if (p.anthropic) {
    const anthropic = createAnthropic({ apiKey: p.anthropic.apiKey?.reveal() ?? '', baseURL: p.anthropic.baseUrl, fetch });
    instance.set('anthropic', (m) => anthropic(m));
  }
  if (p.openaiCompatible) {
    const compat = createOpenAICompatible({
      name: 'openai-compatible',
      baseURL: p.openaiCompatible.baseUrl,
      apiKey: p.openaiCompatible.apiKey?.reveal(),
      includeUsage: true,
      fetch,
    });
    instance.set('openai-compatible', (m) => compat(m));
  }

  // Provider clients for org credentials, rebuilt when the credential changes.
  const orgFactories = new Map<string, Factory>();
  const orgFactory = (cred: OrgCredential): Factory => {
    const cacheKey = `${cred.provider}:${cred.version}`;
    let f = orgFactories.get(cacheKey);
    if (f) return f;
    const fetch = http.guardedFetch as typeof globalThis.fetch;
    if (cred.provider === 'openai') {
      const openai = createOpenAI({ apiKey: cred.apiKey ?? '', baseURL: cred.baseUrl, fetch });
      f = (m) => openai.chat(m);
    } else if (cred.provider === 'anthropic') {
      const anthropic = createAnthropic({ apiKey: cred.apiKey ?? '', baseURL: cred.baseUrl, fetch });
      f = (m) => anthropic(m);
    } else {
      if (!cred.baseUrl) throw new AppError('bad_request', 'openai-compatible credentials need a base_url');
      const compat = createOpenAICompatible({ name: 'openai-compatible', baseURL: cred.baseUrl, apiKey: cred.apiKey, includeUsage: true, fetch });
      f = (m) => compat(m);
    }
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

  return {
    instanceProviders: [...instance.keys()],
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
      const factory = orgCredential?.provider === p ? orgFactory(orgCredential) : instance.get(p);
      if (!factory) {
        throw new AppError(
          'bad_request',
          `model provider "${p}" of "${ref}" is not configured on this instance: the operator sets ${INSTANCE_SETTING[p]}, or an org admin stores the org's own credentials with PUT /orgs/{org_id}/providers/${p} (see /guides/model-providers)`,
        );
      }
      return { ref, provider: p, modelId, model: modelOf(factory, modelId), contextWindow };
    },
  };
}
