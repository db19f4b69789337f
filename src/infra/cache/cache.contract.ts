import { describe, expect, it } from 'vitest';
import type { CacheStore } from './cache.ts';

/** What every CacheStore adapter must do; each adapter's test file runs it. */
export function cacheContract(name: string, make: () => CacheStore): void {

describe(`cache contract: ${name}`, () => {
  it('loads once, shares concurrent loads and caches misses', async () => {
    const cache = make().cache<string | null>('c', { ttlMs: 60_000 });
    let calls = 0;
    const load = async () => {
      calls++;
      return calls === 1 ? null : 'later';
    };
    const [a, b] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect([a, b, calls]).toEqual([null, null, 1]);
    expect(await cache.getOrLoad('k', load)).toBeNull();
    cache.delete('k');
    expect(await cache.getOrLoad('k', load)).toBe('later');
    expect(calls).toBe(2);
  });

  it('expires entries after the ttl', async () => {
    const cache = make().cache<number>('c', { ttlMs: 20 });
    let n = 0;
    expect(await cache.getOrLoad('k', async () => ++n)).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(await cache.getOrLoad('k', async () => ++n)).toBe(2);
  });

  it('does not keep a value loaded across an invalidation', async () => {
    const cache = make().cache<string>('c', { ttlMs: 60_000 });
    let release!: (v: string) => void;
    const slow = cache.getOrLoad('k', () => new Promise<string>((r) => (release = r)));
    cache.delete('k');
    release('stale');
    expect(await slow).toBe('stale');
    expect(await cache.getOrLoad('k', async () => 'fresh')).toBe('fresh');
  });

  it('holds at most `max` entries, dropping the least recently used', async () => {
    const cache = make().cache<string>('c', { ttlMs: 60_000, max: 3 });
    const loads: string[] = [];
    const get = (k: string) => cache.getOrLoad(k, async () => (loads.push(k), k));
    for (const k of ['a', 'b', 'c']) await get(k);
    await get('a');
    await get('d');
    await get('a');
    await get('c');
    await get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'd', 'b']);
  });

  it('is a pass-through when disabled', async () => {
    const cache = make().cache<number>('c', { ttlMs: 0 });
    let n = 0;
    await cache.getOrLoad('k', async () => ++n);
    expect(await cache.getOrLoad('k', async () => ++n)).toBe(2);
  });
});
}
