import type { FastifyReply } from 'fastify';
import { AppError } from '../lib/errors.ts';
import type { RateLimiter, RateLimitResult } from '../infra/rate-limit/rate-limiter.ts';

/** IETF draft RateLimit headers, set on every response (successful or not). */
export function setRateLimitHeaders(reply: FastifyReply, r: RateLimitResult): void {
  reply.header('RateLimit-Limit', r.limit);
  reply.header('RateLimit-Remaining', r.remaining);
  reply.header('RateLimit-Reset', Math.ceil(r.resetMs / 1000));
}

/** Consumes one unit of `key`; throws 429 with Retry-After once the window is spent. */
export async function enforceLimit(
  limiter: RateLimiter,
  reply: FastifyReply,
  key: string,
  limit: number,
  windowMs: number,
  message: string,
): Promise<void> {
  const r = await limiter.consume(key, limit, windowMs);
  setRateLimitHeaders(reply, r);
  if (!r.allowed) {
    throw new AppError('rate_limited', message, { 'Retry-After': String(Math.max(1, Math.ceil(r.resetMs / 1000))) });
  }
}
