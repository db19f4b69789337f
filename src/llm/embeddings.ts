import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embed, embedMany, type EmbeddingModel } from 'ai';
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
 * none is set or its provider has no credentials: retrieval is then keyword-only.
 */
export function createEmbedder(config: Pick<Config, 'providers' | 'knowledge'>): Embedder | undefined {
  const ref = config.knowledge.embeddingModel;
  if (!ref) return undefined;
  const { provider, modelId } = parseModelRef(ref);
  let model: EmbeddingModel<string> | undefined;
  if (provider === 'openai' && config.providers.openai) {
    const openai = createOpenAI({ apiKey: config.providers.openai.apiKey?.reveal() ?? '', baseURL: config.providers.openai.baseUrl });
    model = openai.textEmbeddingModel(modelId);
  } else if (provider === 'openai-compatible' && config.providers.openaiCompatible) {
    const compat = createOpenAICompatible({
      name: 'openai-compatible',
      baseURL: config.providers.openaiCompatible.baseUrl,
      apiKey: config.providers.openaiCompatible.apiKey?.reveal(),
    });
    model = compat.textEmbeddingModel(modelId);
  }
  if (!model) return undefined;
  const m = model;
  return {
    ref,
    async embedMany(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const { embeddings } = await embedMany({ model: m, values: texts.slice(i, i + BATCH), abortSignal: signal, maxRetries: 2 });
        out.push(...embeddings);
      }
      return out;
    },
    async embedOne(text, signal) {
      const { embedding } = await embed({ model: m, value: text, abortSignal: signal, maxRetries: 1 });
      return embedding;
    },
  };
}
