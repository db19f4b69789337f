import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { isLoopback } from '../lib/net.ts';

/**
 * HTTPS is required except from loopback (local use) or when explicitly allowed. Behind a
 * trusted proxy, Fastify's `request.protocol` and `request.ip` already reflect the
 * X-Forwarded-* headers; from an untrusted peer they are the socket's own.
 */
export function enforceHttps(request: FastifyRequest, allowHttp: boolean): void {
  if (allowHttp || request.protocol === 'https' || isLoopback(request.ip)) return;
  throw new AppError('forbidden', 'HTTPS is required');
}
