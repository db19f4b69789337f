import type { EmbeddingModelV2 } from '@ai-sdk/provider';
import type { Config } from '../config/config.ts';
import { parseModelRef } from './registry.ts';

export interface Embedder {
  /** `provider/model`, stored with each vector so a model change is detectable. */
  ref: string;
  embedMany(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  embedOne(text: string, signal?: AbortSignal): Promise<number[]>;
}

/** Texts per embedding request: large enough to amortise the round trip, small enough for every vendor's limit. */
const BATCH = 64;

/**
 * The configured embedding model (PARLEY_EMBEDDING_MODEL) over the AI SDK, or undefined when
 * none is set or its provider has no credentials: retrieval is then keyword-only. The SDK's packages are
 * imported at the first embedding, not at start (see the model registry).
 */
export function createEmbedder(config: Pick<Config, 'providers' | 'knowledge'>): Embedder | undefined {
  const ref = config.knowledge.embeddingModel;
  if (!ref) return undefined;
  const { provider, modelId } = parseModelRef(ref);
  const { openai, openaiCompatible } = config.providers;
  let model: (() => Promise<EmbeddingModelV2<string>>) | undefined;
  if (provider === 'openai' && openai) {
    model = async () => {
      const { createOpenAI } = await import('@ai-sdk/openai');
      return createOpenAI({ apiKey: openai.apiKey?.reveal() ?? '', baseURL: openai.baseUrl }).textEmbeddingModel(modelId);
    };
  } else if (provider === 'openai-compatible' && openaiCompatible) {
    model = async () => {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: openaiCompatible.baseUrl, apiKey: openaiCompatible.apiKey?.reveal() }).textEmbeddingModel(modelId);
    };
  }
  if (!model) return undefined;
  const load = model;
  let ready: Promise<{ m: EmbeddingModelV2<string>; sdk: typeof import('ai') }> | undefined;
  const sdk = () => {
    if (!ready) {
      ready = Promise.all([load(), import('ai')]).then(([m, sdk]) => ({ m, sdk }));
      // A failed import is tried again by the next call.
      ready.catch(() => (ready = undefined));
    }
    return ready;
  };
  return {
    ref,
    async embedMany(texts, signal) {
      const { m, sdk: { embedMany } } = await sdk();
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const { embeddings } = await embedMany({ model: m, values: texts.slice(i, i + BATCH), abortSignal: signal, maxRetries: 2 });
        out.push(...embeddings);
      }
      return out;
    },
    async embedOne(text, signal) {
      const { m, sdk: { embed } } = await sdk();
      const { embedding } = await embed({ model: m, value: text, abortSignal: signal, maxRetries: 1 });
      return embedding;
    },
  };
}
