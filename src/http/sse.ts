import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Server-Sent Events over the raw response: Fastify steps aside (hijack) so each event is
 * written and flushed as it is produced. Headers set earlier on the reply (request id,
 * rate-limit headers) are carried over.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply) {
  const res = reply.raw;
  const controller = new AbortController();
  let clientGone = false;
  // 'close' fires when the response ends or the connection drops; only the latter matters here.
  res.on('close', () => {
    if (!res.writableFinished) {
      clientGone = true;
      controller.abort(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
    }
  });
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
    signal: controller.signal,
    clientGone: () => clientGone,
    send(event: unknown): void {
      if (!clientGone) res.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    end(): void {
      if (!clientGone) res.end();
    },
  };
}

/** Abort signal for a plain (non-streamed) request: fires when the client goes away. */
export function clientAbortSignal(reply: FastifyReply) {
  const controller = new AbortController();
  let gone = false;
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) {
      gone = true;
      controller.abort(Object.assign(new Error('client disconnected'), { name: 'AbortError' }));
    }
  });
  return { signal: controller.signal, clientGone: () => gone };
}
