import Fastify from 'fastify';
import { Pool } from 'undici';

/**
 * The Fastify floor: what the framework Parley is built on costs for the same hop as the node:http floor.
 * Fastify 5 with a JSON body schema (Fastify's own validator), the body serialised again and forwarded over
 * an undici keep-alive pool, the upstream's reply (JSON or SSE) streamed back unchanged. No auth, no
 * storage, no logging. Run as its own process with UPSTREAM_PORT set; prints {"port":N}.
 */

const upstreamPort = Number(process.env.UPSTREAM_PORT);
if (!upstreamPort) throw new Error('UPSTREAM_PORT is required');
const pool = new Pool(`http://127.0.0.1:${upstreamPort}`, { connections: 512, pipelining: 1, keepAliveTimeout: 30_000 });

const bodySchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1 },
    stream: { type: 'boolean' },
    stream_options: { type: 'object' },
    messages: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: { role: { type: 'string', enum: ['system', 'user', 'assistant'] }, content: { type: 'string' } },
      },
    },
  },
} as const;

const app = Fastify({ logger: false, keepAliveTimeout: 120_000 });

app.post('/v1/chat/completions', { schema: { body: bodySchema } }, async (req, reply) => {
  const ac = new AbortController();
  // A client that leaves stops the upstream request too (the response's close, not the request's: that one
  // fires once the body has been read).
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) ac.abort();
  });
  const up = await pool.request({
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(req.body),
    signal: ac.signal,
  });
  const type = String(up.headers['content-type'] ?? 'application/json');
  reply.code(up.statusCode).header('content-type', type);
  // A JSON reply is read whole and sent as one string (as Parley does); a stream is piped as it arrives.
  if (type.startsWith('application/json')) return reply.send(await up.body.text());
  return reply.send(up.body);
});

app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  const { port } = app.server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
