import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEgressDispatcher, createEgressPolicy, EgressDeniedError } from './egress.ts';
import { createLeanFetch } from './lean-fetch.ts';

let server: http.Server;
let base: string;
/** Resolves the streamed reply's second chunk: the test releases it only after reading the first. */
let releaseSecond: () => void = () => {};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/json') {
        res.writeHead(201, { 'content-type': 'application/json', 'x-echo': String(req.headers['x-token'] ?? '') });
        res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }));
      } else if (req.url === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        releaseSecond = () => res.end('data: two\n\n');
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('late'), 5_000).unref();
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const leanFetch = createLeanFetch(new Agent());

describe('lean fetch for provider calls', () => {
  it('returns a whole JSON reply with status, headers and a readable body, once', async () => {
    const res = await leanFetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-token': 't1', 'x-missing': undefined as unknown as string },
      body: '{"a":1}',
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-echo')).toBe('t1');
    expect(Object.fromEntries([...res.headers])['content-type']).toBe('application/json');
    // The AI SDK reads replies through body.getReader().
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(JSON.parse(new TextDecoder().decode(first.value))).toEqual({ method: 'POST', body: '{"a":1}', type: 'application/json' });
    expect((await reader.read()).done).toBe(true);
    expect(res.bodyUsed).toBe(true);
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it('accepts Headers objects and header pairs, and reports 4xx without throwing', async () => {
    const res = await leanFetch(`${base}/nope`, { method: 'POST', headers: new Headers({ 'x-token': 'a' }), body: '' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'nope' });
    const pairs = await leanFetch(`${base}/json`, { method: 'POST', headers: [['x-token', 'b']], body: 'x' });
    expect(pairs.headers.get('x-echo')).toBe('b');
    expect(new TextDecoder().decode(await pairs.arrayBuffer())).toContain('"body":"x"');
    const empty = await leanFetch(`${base}/empty`, { method: 'POST', body: '' });
    expect(empty.status).toBe(204);
  });

  it('passes an event stream on as it arrives, before the server has finished', async () => {
    const res = await leanFetch(`${base}/sse`, { method: 'POST', body: '{}' });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    releaseSecond();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('data: two\n\n');
  });

  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const pending = leanFetch(`${base}/slow`, { method: 'POST', body: '', signal: controller.signal });
    const reason = new DOMException('gave up', 'TimeoutError');
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
  });

  it("fails to connect the way fetch does: TypeError('fetch failed') with the cause", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    const err = await leanFetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
    expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it("keeps the egress guard's refusal in the cause chain", async () => {
    const guarded = createLeanFetch(createEgressDispatcher(createEgressPolicy([])));
    const err = await guarded(`${base}/json`, { method: 'POST', body: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).cause).toBeInstanceOf(EgressDeniedError);
  });
});
