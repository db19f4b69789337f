import http from 'node:http';
import { CHUNKS, PAUSE_MS, REPLY_TEXT, STREAM_WORDS, USAGE } from './shape.ts';

/**
 * The fake model: OpenAI Chat Completions on loopback, as cheap as a server can be, so the
 * benchmark measures the hops in front of it. Run as its own process; prints {"port":N}.
 *
 * JSON: an instant `chat.completion` with usage. Stream (`stream: true`): the role chunk and the
 * first word at once, the other words after PAUSE_MS, then finish, usage (when asked) and [DONE].
 * The pause makes buffering visible: a proxy that holds tokens back shows TTFT >= PAUSE_MS.
 */

const created = Math.floor(Date.now() / 1000);

function completion(model: string): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: REPLY_TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: USAGE,
    system_fingerprint: 'fp_bench',
  });
}

function chunk(model: string, includeUsage: boolean, delta: object | null, finish: string | null = null, usage?: object): string {
  const body = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_bench',
    choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [],
    ...(includeUsage ? { usage: usage ?? null } : {}),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

interface StreamFrames {
  head: string;
  rest: string;
}

function streamFrames(model: string, includeUsage: boolean): StreamFrames {
  const [first, ...others] = STREAM_WORDS;
  const head = chunk(model, includeUsage, { role: 'assistant', content: '', refusal: null }) + chunk(model, includeUsage, { content: first });
  let rest = others.map((w) => chunk(model, includeUsage, { content: w })).join('');
  rest += chunk(model, includeUsage, {}, 'stop');
  if (includeUsage) rest += chunk(model, includeUsage, null, null, USAGE);
  rest += 'data: [DONE]\n\n';
  return { head, rest };
}

// Replies are built once per (model, include_usage) and reused: the upstream should cost nothing.
const jsonCache = new Map<string, Buffer>();
const streamCache = new Map<string, StreamFrames>();

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

const server = http.createServer(async (req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (req.method === 'GET' && path === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Invalid URL (${req.method} ${path})` } }));
    return;
  }
  let body: { model?: unknown; stream?: unknown; stream_options?: { include_usage?: unknown } };
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'invalid JSON body' } }));
    return;
  }
  const model = typeof body.model === 'string' ? body.model : 'bench-model';
  if (body.stream !== true) {
    let payload = jsonCache.get(model);
    if (!payload) jsonCache.set(model, (payload = Buffer.from(completion(model))));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    res.end(payload);
    return;
  }
  const includeUsage = body.stream_options?.include_usage === true;
  const key = `${model}\n${includeUsage}`;
  let frames = streamCache.get(key);
  if (!frames) streamCache.set(key, (frames = streamFrames(model, includeUsage)));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.write(frames.head);
  const rest = frames.rest;
  const timer = setTimeout(() => res.end(rest), PAUSE_MS);
  res.on('close', () => clearTimeout(timer));
});

// Longer than any client's idle keep-alive, so a reused socket is never closed under a request.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ port, chunks: CHUNKS, pauseMs: PAUSE_MS })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
