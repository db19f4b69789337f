/**
 * The cache port: bounded caches for hot lookups (API keys, assistants, org settings...), each
 * under a name. Entries expire after their cache's TTL, which bounds how stale a value can be if an
 * invalidation is ever missed; changes invalidate entries through the event log (see
 * events/event-log.ts `onChange`), on this instance at once and on the others as they read the log.
 * Misses are cached too (as `null`) when the loader returns null.
 */
export interface Cache<V> {
  /** The cached value, or the loader's (concurrent loads of one key share one call). */
  getOrLoad(key: string, load: () => Promise<V>): Promise<V>;
  delete(key: string): void;
  clear(): void;
}

export interface CacheStore {
  /** A cache of its own under `name`; `ttlMs` 0 disables it (every read loads). */
  cache<V extends {} | null>(name: string, opts: { ttlMs: number; max?: number }): Cache<V>;
}
