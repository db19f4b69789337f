import type { RateLimiter, RateLimitResult } from './rate-limiter.ts';

interface Window {
  count: number;
  resetAt: number;
}

/** In-process fixed-window limiter; expired windows are swept once a minute. */
export function createMemoryRateLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, Window>();
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, w] of windows) if (w.resetAt <= t) windows.delete(key);
  }, 60_000);
  sweep.unref();

  return {
    async consume(key, limit, windowMs): Promise<RateLimitResult> {
      const t = now();
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count++;
      return {
        allowed: w.count <= limit,
        limit,
        remaining: Math.max(0, limit - w.count),
        resetMs: w.resetAt - t,
      };
    },
    async close() {
      clearInterval(sweep);
      windows.clear();
    },
  };
}
