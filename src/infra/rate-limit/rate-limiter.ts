/**
 * Port for fixed-window rate limiting. The in-process adapter serves one instance; a Redis
 * adapter (scale-out) implements the same contract so limits hold across instances.
 */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the current window resets. */
  resetMs: number;
}

export interface RateLimiter {
  consume(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  close(): Promise<void>;
}
