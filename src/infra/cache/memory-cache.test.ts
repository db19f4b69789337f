import { describe, expect, it } from 'vitest';
import { cacheContract } from './cache.contract.ts';
import { createMemoryCacheStore, guardedCacheStore } from './memory-cache.ts';

cacheContract('in-process', createMemoryCacheStore);

describe('the test suite’s guarded cache store', () => {
  it('fails every read made inside a transaction, hit or miss, and reads as usual outside one', async () => {
    let inside = false;
    const cache = guardedCacheStore(createMemoryCacheStore(), () => inside).cache<string>('assistants', { ttlMs: 60_000 });
    expect(await cache.getOrLoad('a', async () => 'loaded')).toBe('loaded');
    inside = true;
    await expect(cache.getOrLoad('a', async () => 'again')).rejects.toThrow('cache "assistants" read inside a transaction');
    await expect(cache.getOrLoad('b', async () => 'new')).rejects.toThrow(/read it before the transaction begins/);
    inside = false;
    expect(await cache.getOrLoad('a', async () => 'again')).toBe('loaded');
  });
});
