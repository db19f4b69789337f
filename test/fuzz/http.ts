import { Writable } from 'node:stream';
import pino from 'pino';
import { Pool } from 'undici';
import type { RouteDef } from '../../src/http/define-route.ts';
import { startServer, type TestServer } from '../harness.ts';

/** The harness's server (jobs running, high rate limit) with the route table it registered. */
export async function startWithRoutes(
  env: Record<string, string> = {},
  opts: { logger?: pino.Logger } = {},
): Promise<{ server: TestServer; routes: RouteDef[] }> {
  // Memories are summarised within a tenth of a second, so a seeded chat memory is there quickly.
  const server = await startServer({ PARLEY_MEMORIES_SCAN_MS: '100', ...env }, opts);
  return { server, routes: server.routes };
}

/** `DrizzleQueryError <- error 22021: invalid byte sequence ... | Failed query: select ...`: the root cause first. */
function describeError(err: any): string {
  let root = err;
  for (let i = 0; root?.cause && i < 8; i++) root = root.cause;
  const chain = root === err ? `${err?.name ?? 'Error'}` : `${err.name} <- ${root.name ?? 'Error'}${root.code ? ` ${root.code}` : ''}`;
  return `${chain}: ${root?.message ?? String(err)} | ${String(err?.message ?? '').split('\n')[0]!.slice(0, 160)}`;
}

/**
 * A logger that keeps what the server logged at error level, by request id, so a 500 can be reported with
 * its real cause (the response rightly hides it). The hook sees the error object before pino flattens it.
 */
export function errorLogByRequest(): { logger: pino.Logger; causeOf(requestId: string | undefined): string | undefined } {
  const byId = new Map<string, string>();
  const discard = new Writable({ write: (_c, _e, done) => done() });
  const logger = pino(
    {
      level: 'error',
      hooks: {
        logMethod(args, method) {
          const reqId = (this.bindings() as { reqId?: string }).reqId;
          const first = args[0] as unknown as { err?: unknown } | string;
          if (reqId && !byId.has(reqId)) byId.set(reqId, typeof first === 'object' && first?.err ? describeError(first.err) : String(args.at(-1)));
          return method.apply(this, args);
        },
      },
    },
    discard,
  );
  return { logger, causeOf: (id) => (id ? byId.get(id) : undefined) };
}

export interface RawRequest {
  method: string;
  /** Sent byte for byte (already percent-encoded); fetch would normalise `%2e%2e` and lone surrogates away. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  requestId?: string;
  text: string;
  /** Parsed JSON when the reply says it is JSON; `undefined` when it does not parse. */
  json?: unknown;
  jsonError?: string;
}

const pools = new Map<string, Pool>();

/**
 * One request over a real socket. A Pool's request sends the path exactly as given: a URL string would go
 * through the WHATWG parser, which resolves `..` and `%2e%2e` before the server ever sees them.
 */
export async function send(base: string, req: RawRequest): Promise<RawResponse> {
  let pool = pools.get(base);
  if (!pool) pools.set(base, (pool = new Pool(base, { connections: 4 })));
  const res = await pool.request({
    path: req.path,
    method: req.method as 'GET',
    headers: req.headers,
    body: req.body,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const ct = res.headers['content-type'];
  const contentType = (Array.isArray(ct) ? ct[0] : ct) ?? '';
  // A live event stream (the inbox's) never ends: read until it is idle, then hang up.
  const text = contentType.startsWith('text/event-stream') ? await readUntilIdle(res.body) : await res.body.text();
  const rid = res.headers['x-request-id'];
  const out: RawResponse = { status: res.statusCode, contentType, text, requestId: Array.isArray(rid) ? rid[0] : rid };
  if (/[/+]json\b/.test(contentType) && text) {
    try {
      out.json = JSON.parse(text);
    } catch (err) {
      out.jsonError = (err as Error).message;
    }
  }
  return out;
}

/**
 * Reads a stream until nothing more arrives for a moment: 300 ms for its first bytes (the server writes them once
 * its subscription is live), then 100 ms between writes (what it had to send at once, such as a replay, follows
 * the greeting within that). The fuzzer opens about sixty streams per engine: waiting 300 ms after each greeting
 * cost it about 12 s.
 */
async function readUntilIdle(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, firstMs = 300, thenMs = 100): Promise<string> {
  const it = body[Symbol.asyncIterator]();
  let text = '';
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(() => resolve('idle'), text ? thenMs : firstMs)));
    const next = await Promise.race([it.next(), idle]);
    clearTimeout(timer);
    if (next === 'idle') {
      body.destroy();
      return text;
    }
    if (next.done) return text;
    text += next.value.toString('utf8');
  }
}

/** Closes the connections `send` opened. */
export async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((p) => p.close()));
  pools.clear();
}

/** Percent-encodes a path segment the way a client would, but keeps lone surrogates as their WTF-8 bytes (invalid UTF-8). */
export function encodeSegment(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const lone = c >= 0xd800 && c <= 0xdfff && !(c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00);
    if (lone) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else if (c >= 0xd800 && c <= 0xdbff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

/** UTF-8 bytes, except that lone surrogates become their 3-byte (invalid) form instead of U+FFFD. */
export function wtf8(s: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      parts.push(Buffer.from(s.slice(start, i), 'utf8'), Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]));
      start = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}
