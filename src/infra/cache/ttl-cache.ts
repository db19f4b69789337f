import { LRUCache } from 'lru-cache';

/**
 * A bounded in-process cache for hot lookups (API keys, assistants, org settings). Entries expire
 * after `ttlMs`, which bounds how long another instance may serve a value after a change there;
 * the instance that makes a change deletes its own entry at once. Misses are cached too (as `null`)
 * when the loader returns null, so a lookup of something absent does not reach the database each time.
 */
export interface TtlCache<V> {
  /** The cached value, or the loader's (concurrent loads of one key share one call). */
  getOrLoad(key: string, load: () => Promise<V>): Promise<V>;
  delete(key: string): void;
  clear(): void;
}

export function createTtlCache<V extends {} | null>(opts: { ttlMs: number; max?: number }): TtlCache<V> {
  if (opts.ttlMs <= 0) {
    return { getOrLoad: (_key, load) => load(), delete() {}, clear() {} };
  }
  // lru-cache cannot store null/undefined, so values are boxed.
  const cache = new LRUCache<string, { v: V }>({ max: opts.max ?? 10_000, ttl: opts.ttlMs, ttlAutopurge: false });
  const inflight = new Map<string, Promise<V>>();
  let generation = 0;
  return {
    async getOrLoad(key, load) {
      const hit = cache.get(key);
      if (hit) return hit.v;
      const running = inflight.get(key);
      if (running) return running;
      const startedAt = generation;
      const p = load().then(
        (v) => {
          inflight.delete(key);
          // A change made while loading may have been read before it happened: do not keep it.
          if (startedAt === generation) cache.set(key, { v });
          return v;
        },
        (err: unknown) => {
          inflight.delete(key);
          throw err;
        },
      );
      inflight.set(key, p);
      return p;
    },
    delete(key) {
      generation++;
      cache.delete(key);
      inflight.delete(key);
    },
    clear() {
      generation++;
      cache.clear();
      inflight.clear();
    },
  };
}
