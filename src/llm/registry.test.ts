import { describe, expect, it } from 'vitest';
import { Secret } from '../config/config.ts';
import { createModelRegistry, type FetchLike, type ResolvedModel } from './registry.ts';

const llm = { timeoutMs: 1000, maxRetries: 0, retryBaseMs: 1, maxOutputTokens: 100, defaultContextWindow: 8000 };
const neverFetch: FetchLike = async () => {
  throw new Error('no request is made to resolve a model');
};
const http = { fetch: neverFetch, guardedFetch: neverFetch };

describe('model registry', () => {
  it('answers the built-in model and refusals at once, without loading any vendor package', () => {
    const models = createModelRegistry({ providers: {}, llm }, http);
    const builtin = models.resolve('builtin/extractive') as ResolvedModel;
    expect(builtin).not.toBeInstanceOf(Promise);
    expect(builtin.provider).toBe('builtin');
    expect(() => models.resolve('anthropic/claude-sonnet-4')).toThrow(/model provider "anthropic" of "anthropic\/claude-sonnet-4" is not configured on this instance: the operator sets ANTHROPIC_API_KEY/);
    expect(() => models.resolve('nope/x')).toThrow(/unknown model provider "nope"/);
    expect(models.instanceProviders).toEqual([]);
  });

  it("loads a vendor's package with its first model, then resolves the vendor's models at once", async () => {
    const models = createModelRegistry(
      { providers: { openai: { apiKey: new Secret('sk-test') }, openaiCompatible: { baseUrl: 'http://127.0.0.1:9/v1' } }, llm },
      http,
    );
    expect(models.instanceProviders.sort()).toEqual(['openai', 'openai-compatible']);
    const first = models.resolve('openai/gpt-4o-mini');
    expect(first).toBeInstanceOf(Promise);
    const a = await first;
    expect(a).toMatchObject({ provider: 'openai', modelId: 'gpt-4o-mini' });
    expect(a.model.provider).toBe('openai.chat');
    const again = models.resolve('openai/gpt-4o');
    expect(again).not.toBeInstanceOf(Promise);
    expect((again as ResolvedModel).model.modelId).toBe('gpt-4o');
    // The same model object for the same reference: built once, not per request.
    expect((models.resolve('openai/gpt-4o-mini') as ResolvedModel).model).toBe(a.model);
    const compat = await models.resolve('openai-compatible/local');
    expect(compat.model.provider).toBe('openai-compatible.chat');
  });

  it("uses an org's own credential for a vendor the instance does not configure", async () => {
    const models = createModelRegistry({ providers: {}, llm }, http);
    const cred = { provider: 'anthropic' as const, apiKey: 'sk-ant-test', version: 'v1' };
    const m = await models.resolve('anthropic/claude-sonnet-4', cred);
    expect(m.model.provider).toBe('anthropic.messages');
    // Another org's credential for another vendor does not stand in for this one.
    expect(() => models.resolve('openai/gpt-4o', cred)).toThrow(/not configured on this instance/);
    await expect(
      Promise.resolve().then(() => models.resolve('openai-compatible/x', { provider: 'openai-compatible', version: 'v1' })),
    ).rejects.toThrow('openai-compatible credentials need a base_url');
  });
});
