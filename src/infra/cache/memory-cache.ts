import { LRUCache } from 'lru-cache';
import type { Cache, CacheStore } from './cache.ts';

/** In-process caches (lru-cache, bounded by entries and TTL), one per name. */
export function createMemoryCacheStore(): CacheStore {
  const names = new Set<string>();
  return {
    cache<V extends {} | null>(name: string, opts: { ttlMs: number; max?: number }): Cache<V> {
      if (names.has(name)) throw new Error(`cache "${name}" exists already`);
      names.add(name);
      return createMemoryCache<V>(opts);
    },
  };
}

function createMemoryCache<V extends {} | null>(opts: { ttlMs: number; max?: number }): Cache<V> {
  if (opts.ttlMs <= 0) {
    return { getOrLoad: (_key, load) => load(), delete() {}, clear() {} };
  }
  // lru-cache cannot store null/undefined, so values are boxed. Bounded by `maxSize` with each entry counted as 1
  // rather than by `max`: with `max`, lru-cache allocates its slot arrays at full size up front (about 330 KB of heap
  // per cache at 10,000 entries, mostly empty: 2.7 MB of the server's 39 MB across its eight caches, marked by every
  // full collection); with `maxSize` they grow with the entries.
  const cache = new LRUCache<string, { v: V }>({ maxSize: opts.max ?? 10_000, sizeCalculation: () => 1, ttl: opts.ttlMs, ttlAutopurge: false });
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

/**
 * Tests: a cache store whose reads fail inside an open transaction of the embedded database. A miss there would load
 * outside the transaction (or join a load that waits behind it) on the database's one connection, and wait forever
 * for the transaction that waits for it; a hit hides that until the entry expires. So code reads what it needs from
 * caches before a transaction begins, and the test suite checks every read, hit or miss.
 */
export function guardedCacheStore(store: CacheStore, insideTransaction: () => boolean): CacheStore {
  return {
    cache<V extends {} | null>(name: string, opts: { ttlMs: number; max?: number }): Cache<V> {
      const cache = store.cache<V>(name, opts);
      return {
        ...cache,
        getOrLoad(key, load) {
          if (insideTransaction()) {
            return Promise.reject(new Error(`cache "${name}" read inside a transaction: a miss would wait for the transaction forever on the embedded database; read it before the transaction begins`));
          }
          return cache.getOrLoad(key, load);
        },
      };
    },
  };
}
