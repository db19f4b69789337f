import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../lib/errors.ts';

/**
 * Server-Sent Events over the raw response: Fastify steps aside (hijack) so each event is
 * written and flushed as it is produced. Headers set earlier on the reply (request id,
 * rate-limit headers) are carried over.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply, { clientGone }: ClientSignal) {
  const res = reply.raw;
  reply.hijack();
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no', // nginx: do not buffer the stream
    connection: 'keep-alive',
  });
  res.flushHeaders();
  request.socket.setNoDelay(true);
  return {
    send(event: unknown): void {
      if (!clientGone()) res.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    end(): void {
      if (!clientGone()) res.end();
    },
  };
}

/**
 * Sends a run's events as Server-Sent Events. Taking the first event (the run's metadata) starts the model call
 * before the response headers go out; its request reaches the socket a few promise turns later, just after the
 * headers and the metadata frame (about 0.1 ms after them, December 7; sending the headers a turn later instead
 * moved time to first token by nothing measurable: bench README). A client that goes away stops the run.
 */
export async function sendEventStream(request: FastifyRequest, reply: FastifyReply, client: ClientSignal, events: AsyncGenerator<unknown>): Promise<FastifyReply> {
  const first = events.next();
  const sse = openEventStream(request, reply, client);
  for (let next = await first; !next.done; next = await events.next()) {
    if (client.clientGone()) {
      await events.return(undefined);
      break;
    }
    sse.send(next.value);
  }
  sse.end();
  return reply;
}

export interface ClientSignal {
  signal: AbortSignal;
  clientGone: () => boolean;
}

/**
 * The request's abort signal: fires when the client goes away (reason: AbortError) or when
 * `timeoutMs` passes (reason: TimeoutError, as `AbortSignal.timeout` gives). One controller and one
 * timer instead of `AbortSignal.any([..., AbortSignal.timeout()])`: each AbortSignal costs ~10 µs
 * to create on Node 20, and the invoke path is measured in tenths of a millisecond.
 */
export function clientAbortSignal(reply: FastifyReply, timeoutMs: number): ClientSignal {
  const controller = new AbortController();
  let gone = false;
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), timeoutMs);
  // 'close' fires when the response ends or the connection drops; only the latter aborts.
  reply.raw.on('close', () => {
    clearTimeout(timer);
    if (!reply.raw.writableFinished) {
      gone = true;
      controller.abort(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
    }
  });
  return { signal: controller.signal, clientGone: () => gone };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Ends each open follow stream (see `endLiveStreamsOnClose`). */
    liveStreams?: Set<() => void>;
  }
}

const liveStreamsOf = (request: FastifyRequest): Set<() => void> | undefined => request.server.liveStreams;

/**
 * A follow stream never ends by itself, and `app.close()` waits for every request in flight: one open inbox or widget
 * stream would hold a shutdown until its timeout. Before closing, the server ends them; clients reconnect (browsers'
 * EventSource does it by itself) with their `Last-Event-ID`, to this instance once it is back or to another one, and
 * miss nothing. (WebSocket clients are closed by the WebSocket plugin's own `preClose`, with 1001 Going Away.)
 */
export function endLiveStreamsOnClose(app: FastifyInstance): void {
  const streams = new Set<() => void>();
  app.decorate('liveStreams', streams);
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
}

export interface SseFrame {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * A long-lived event stream (the live inbox): frames carry an `id:` (a cursor the client sends back as
 * `Last-Event-ID` when it reconnects) and an `event:` name; a comment every `heartbeatMs` keeps proxies from
 * closing an idle connection. `onClose` runs once when the client goes away.
 */
export function openFollowStream(request: FastifyRequest, reply: FastifyReply, opts: { heartbeatMs: number; onClose: () => void }) {
  const res = reply.raw;
  let open = true;
  const heartbeat = setInterval(() => open && res.write(': ping\n\n'), opts.heartbeatMs);
  const live = liveStreamsOf(request);
  const endNow = () => res.end();
  live?.add(endNow);
  res.on('close', () => {
    open = false;
    clearInterval(heartbeat);
    live?.delete(endNow);
    opts.onClose();
  });
  reply.hijack();
  res.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    connection: 'keep-alive',
  });
  request.socket.setNoDelay(true);
  return {
    /**
     * A first comment, so clients (and proxies) see the stream is live before any event. Written once the
     * subscription is live: the response starts only then, so a client that reads the current state after the
     * response starts cannot miss a change made in between.
     */
    greet(): void {
      if (open) res.write(': connected\n\n');
    },
    /** A frame without `id` (an unrecorded signal such as typing) leaves the client's Last-Event-ID as it was. */
    send(frame: SseFrame): void {
      if (open) res.write(`${frame.id === undefined ? '' : `id: ${frame.id}\n`}event: ${frame.event}\ndata: ${JSON.stringify(frame.data)}\n\n`);
    },
    end(): void {
      if (open) res.end();
    },
  };
}

/**
 * Serves a feed that follows the event log as Server-Sent Events: the cursor comes from `Last-Event-ID`
 * (what EventSource sends when it reconnects) or `after`; a bad one is a plain 400 before the stream
 * opens. `subscribe` starts delivery once the stream is open and returns the function that stops it.
 */
export async function serveFollowStream(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: {
    after: string | undefined;
    heartbeatMs: number;
    isCursor: (s: string) => boolean;
    subscribe: (after: string | undefined, send: (frame: SseFrame) => void) => Promise<() => Promise<void>>;
  },
): Promise<FastifyReply> {
  const header = request.headers['last-event-id'];
  const after = (typeof header === 'string' && header !== '' ? header : undefined) ?? opts.after;
  if (after !== undefined && !opts.isCursor(after)) throw new AppError('bad_request', 'Last-Event-ID (or after) is not a cursor of this stream');
  let stop: (() => Promise<void>) | undefined;
  let closed = false;
  const stream = openFollowStream(request, reply, {
    heartbeatMs: opts.heartbeatMs,
    onClose: () => {
      closed = true;
      void stop?.();
    },
  });
  stop = await opts.subscribe(after, (frame) => stream.send(frame));
  stream.greet();
  if (closed) await stop();
  return reply;
}
