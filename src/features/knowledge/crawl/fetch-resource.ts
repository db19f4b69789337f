import type { EgressFetch } from '../../../infra/egress/egress.ts';
import { describeFetchFailure } from './crawl-error.ts';

export const REQUEST_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchContext {
  fetch: EgressFetch;
  /** The User-Agent header sent with every request. */
  userAgent: string;
  /** The crawl's signal: aborting it rejects, unlike a timeout, which is reported as a failure. */
  signal: AbortSignal;
}

/** Why a URL was passed over; 'duplicate' (a redirect to a page already claimed) is not counted. */
export type SkipKind = 'robots' | 'pattern' | 'binary' | 'not-html' | 'too-large' | 'offsite' | 'caller' | 'duplicate';

export interface Skip {
  skip: SkipKind;
  message: string;
}

export interface ResourceRequest {
  accept: string;
  maxBytes: number;
  /** Keep the first `maxBytes` instead of giving the resource up (robots.txt). */
  truncate?: boolean;
  /** Called before the body is read; a Skip leaves it unread. */
  checkType?(contentType: string, url: URL): Skip | undefined;
  /** Called for every URL about to be requested, the first one and each redirect target. */
  checkHop?(url: URL, hop: number): Promise<Skip | undefined>;
}

export type ResourceResult =
  | { kind: 'ok'; url: URL; contentType: string; body: Uint8Array }
  | ({ kind: 'skipped'; url: URL } & Skip)
  | { kind: 'http-error'; url: URL; status: number; message: string; retryable: boolean }
  | { kind: 'failed'; url: URL; message: string; retryable: boolean; error?: unknown };

/**
 * One GET with the crawler's limits: a timeout over the whole exchange, a byte cap read from the
 * stream (Content-Length is not trusted), and redirects followed by hand so every hop can be vetted
 * (same site, robots.txt) before any request reaches it. The egress guard still checks each address.
 */
export async function fetchResource(ctx: FetchContext, start: URL, req: ResourceRequest): Promise<ResourceResult> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
  let url = start;
  try {
    for (let hop = 0; ; hop++) {
      const refused = await req.checkHop?.(url, hop);
      if (refused) return { kind: 'skipped', url, ...refused };
      const res = await ctx.fetch(url, {
        redirect: 'manual',
        signal,
        headers: { 'user-agent': ctx.userAgent, accept: req.accept },
      });
      if (REDIRECT_STATUSES.has(res.status)) {
        await res.body?.cancel();
        const next = redirectTarget(res, url);
        if (!next) return { kind: 'failed', url, message: `${url.href} redirects to an invalid location`, retryable: false };
        if (hop >= MAX_REDIRECTS) return { kind: 'failed', url, message: `${start.href} redirects too many times`, retryable: false };
        url = next;
        continue;
      }
      return await readResponse(res, url, req);
    }
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    return { kind: 'failed', url, error: err, ...describeFetchFailure(url.href, err, REQUEST_TIMEOUT_MS) };
  }
}

async function readResponse(res: Response, url: URL, req: ResourceRequest): Promise<ResourceResult> {
  if (!res.ok) {
    await res.body?.cancel();
    const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    return { kind: 'http-error', url, status: res.status, message: `${url.href} answered ${status}`, retryable };
  }
  const contentType = (res.headers.get('content-type') ?? '').trim();
  const wrongType = req.checkType?.(contentType, url);
  if (wrongType) {
    await res.body?.cancel();
    return { kind: 'skipped', url, ...wrongType };
  }
  const body = await readCapped(res, req.maxBytes, req.truncate ?? false);
  if (!body) {
    const mb = Math.round(req.maxBytes / 1_048_576);
    return { kind: 'skipped', url, skip: 'too-large', message: `${url.href} is larger than ${mb} MB` };
  }
  return { kind: 'ok', url, contentType, body };
}

function redirectTarget(res: Response, from: URL): URL | undefined {
  const location = res.headers.get('location');
  if (!location) return undefined;
  try {
    const next = new URL(location, from);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return undefined;
    next.hash = '';
    return next;
  } catch {
    return undefined;
  }
}

/** The body, or undefined when it exceeds `maxBytes` (unless truncating). Stops reading at the cap. */
async function readCapped(res: Response, maxBytes: number, truncate: boolean): Promise<Uint8Array | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (!truncate && Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    return undefined;
  }
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      if (!truncate) return undefined;
      break;
    }
  }
  const all = Buffer.concat(chunks, size);
  return size > maxBytes ? all.subarray(0, maxBytes) : all;
}

/**
 * Decodes an HTML body using the charset from Content-Type, else a `<meta charset>` in the first
 * bytes, else UTF-8; an unknown label falls back to UTF-8 rather than failing the page.
 */
export function decodeHtml(body: Uint8Array, contentType: string): string {
  const head = Buffer.from(body.subarray(0, 2048)).toString('latin1');
  const label =
    /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
