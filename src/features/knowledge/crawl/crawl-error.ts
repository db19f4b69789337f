import { isIP } from 'node:net';
import { EgressDeniedError } from '../../../infra/egress/egress.ts';

/**
 * Why a crawl could not produce anything, worded for the person who entered the URL. `retryable`
 * tells the ingestion job whether another attempt later could succeed (a timeout or a 503 may; a
 * refused connection, an unknown host, a 404 or a private address will not).
 */
export class CrawlError extends Error {
  readonly retryable: boolean;
  constructor(message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'CrawlError';
    this.retryable = opts.retryable ?? false;
  }
}

export interface FailureReason {
  message: string;
  retryable: boolean;
}

// A refused connection means nothing listens there: the URL is wrong more often than the site is
// restarting, and retries only delay the reason by their backoff (docs/knowledge.md: fails at once).
const NETWORK_CODES: Record<string, [string, boolean]> = {
  ENOTFOUND: ['host not found', false],
  EAI_AGAIN: ['DNS lookup failed', true],
  ECONNREFUSED: ['connection refused', false],
  ECONNRESET: ['connection reset', true],
  EPIPE: ['connection closed', true],
  UND_ERR_SOCKET: ['connection closed unexpectedly', true],
  ETIMEDOUT: ['connection timed out', true],
  UND_ERR_CONNECT_TIMEOUT: ['connection timed out', true],
  UND_ERR_HEADERS_TIMEOUT: ['no answer in time', true],
  UND_ERR_BODY_TIMEOUT: ['no answer in time', true],
  EHOSTUNREACH: ['host unreachable', true],
  ENETUNREACH: ['network unreachable', true],
};

/** Turns whatever fetch threw (undici wraps the real cause in `TypeError: fetch failed`) into a sentence. */
export function describeFetchFailure(target: string, err: unknown, timeoutMs: number): FailureReason {
  const chain = causeChain(err);
  const denied = chain.find((e): e is EgressDeniedError => e instanceof EgressDeniedError);
  if (denied) {
    const article = /^[aeiou]/.test(denied.kind) ? 'an' : 'a';
    const message = isIP(denied.host)
      ? `${target} is ${article} ${denied.kind} address and is not allowed; to crawl it, add ${denied.address} to PARLEY_EGRESS_ALLOW`
      : `${target} resolves to ${article} ${denied.kind} address (${denied.address}) and is not allowed; to crawl it, add ${denied.host} to PARLEY_EGRESS_ALLOW`;
    return { message, retryable: false };
  }
  if (chain.some((e) => (e as { name?: string }).name === 'TimeoutError')) {
    return { message: `could not reach ${target}: no answer within ${timeoutMs / 1000} s`, retryable: true };
  }
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') continue;
    const known = NETWORK_CODES[code];
    if (known) return { message: `could not reach ${target}: ${known[0]}`, retryable: known[1] };
    if (/CERT|TLS|SSL/.test(code)) return { message: `could not reach ${target}: TLS certificate problem (${code})`, retryable: false };
  }
  const last = chain[chain.length - 1] as { message?: string } | undefined;
  return { message: `could not reach ${target}: ${last?.message || 'network error'}`, retryable: true };
}

function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) chain.push(e);
  return chain;
}
