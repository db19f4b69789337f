import type { FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';
import { isLoopback } from '../lib/net.ts';
import { PROBE_PATHS } from './probes.ts';


/**
 * HTTPS is required except from loopback (local use) or when explicitly allowed. Behind a
 * trusted proxy, Fastify's `request.protocol` and `request.ip` already reflect the
 * X-Forwarded-* headers; from an untrusted peer they are the socket's own.
 */
export function enforceHttps(request: FastifyRequest, allowHttp: boolean): void {
  if (allowHttp || request.protocol === 'https' || isLoopback(request.ip) || PROBE_PATHS.has(request.routeOptions.url ?? '')) return;
  // Whoever reads it is likely setting Parley up: say what makes it work.
  throw new AppError(
    'forbidden',
    'HTTPS is required: call this server over https://, or have its operator serve TLS, trust the TLS proxy in front of it, or allow plain HTTP (see "HTTPS" in /guides/configuration)',
  );
}
