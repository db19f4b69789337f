import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, dropAssistantsTable, seedOrg, startServer, type TestServer } from './harness.ts';

describe('error shapes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(async () => server?.close());

  it('answers unknown routes with a 404 message and a request id', async () => {
    const res = await call(server, 'GET', '/no/such/route?x=1');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'route not found: GET /no/such/route' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('echoes a well-formed incoming x-request-id and replaces a bad one', async () => {
    const good = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-123.abc' } });
    expect(good.headers.get('x-request-id')).toBe('trace-123.abc');
    const bad = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('maps framework errors to the contract\'s statuses with clear messages', async () => {
    const t = await seedOrg(server);
    const post = (body: string, headers: Record<string, string>) =>
      call(server, 'POST', '/orgs/c/assistants', { key: t.key, body, headers });
    const invalid = await post('{"name":', { 'content-type': 'application/json' });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ message: 'request body is not valid JSON' });
    const empty = await post('', { 'content-type': 'application/json' });
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/empty/);
    const wrongType = await post('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toEqual({ message: 'unsupported content type; send Content-Type: application/json' });
    const plain = await post('{"name":"x"}', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body).toEqual({ message: 'unsupported content type; send Content-Type: application/json' });
    const big = await post(JSON.stringify({ name: 'x'.repeat(5000) }), { 'content-type': 'application/json' });
    expect(big.status).toBe(400);
    expect(big.body).toEqual({ message: 'request body is too large (limit 2048 bytes)' });
    const missing = await call(server, 'POST', '/orgs/c/assistants', { key: t.key });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^body: /);
  });

  it('refuses a JSON body that is not valid UTF-8 instead of storing U+FFFD', async () => {
    const t = await seedOrg(server);
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe]), Buffer.from('"}')]);
    const res = await fetch(`${server.url}/orgs/c/assistants`, { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'request body is not valid UTF-8' });
    expect((await client(server, t.key).get('/orgs/c/assistants')).body).toEqual([]);
    // Valid multi-byte text is kept as sent.
    expect((await client(server, t.key).post('/orgs/c/assistants', { name: 'Öffnungszeiten 🙂' })).body.name).toBe('Öffnungszeiten 🙂');
  });

  it('validates pagination bounds', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    for (const q of ['take=101', 'take=0', 'page=0', 'page=abc', 'take=-5']) {
      const res = await api.get(`/orgs/c/assistants?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.message, q).toMatch(/^(take|page): /);
    }
  });

  it('paginates with headers and stable order', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.post('/orgs/c/assistants', { name: `n${i}` })).body.id);
    const first = await api.get('/orgs/c/assistants?take=2');
    expect(first.headers.get('pagination-count')).toBe('5');
    expect(first.headers.get('pagination-page')).toBe('1');
    expect(first.headers.get('pagination-take')).toBe('2');
    const third = await api.get('/orgs/c/assistants?take=2&page=3');
    expect(third.body).toHaveLength(1);
    expect(third.headers.get('pagination-page')).toBe('3');
    const beyond = await api.get('/orgs/c/assistants?take=2&page=9');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('pagination-count')).toBe('5');
    const all = [first, await api.get('/orgs/c/assistants?take=2&page=2'), third].flatMap((r) => r.body.map((a: { id: string }) => a.id));
    expect(new Set(all)).toEqual(new Set(ids));
    const defaults = await api.get('/orgs/c/assistants');
    expect(defaults.headers.get('pagination-take')).toBe('20');
    expect(defaults.headers.get('pagination-page')).toBe('1');
  });

  it('hides internals of a 500 and logs it with the request id', async () => {
    const t = await seedOrg(server);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const broken = await startServer({}, { logger: pino({ level: 'info' }, sink) });
    try {
      const bt = await seedOrg(broken);
      // Break the database under a running server: the next query fails unexpectedly.
      await dropAssistantsTable(broken);
      const res = await client(broken, bt.key).get('/orgs/c/assistants');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ message: 'internal server error' });
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.text).not.toMatch(/assistants|relation|at \w+ \(/);
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
      expect(logged.reqId).toBe(res.headers.get('x-request-id'));
      expect(JSON.stringify(logged)).toMatch(/assistants/); // the cause is in the log, not the response
      expect(lines.join('')).not.toContain(bt.key);
    } finally {
      await broken.close();
    }
    expect((await client(server, t.key).get('/orgs/c/assistants')).status).toBe(200);
  });
});

describe('global rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(async () => server?.close());

  it('sets RateLimit headers on every response and answers 429 past the limit', async () => {
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(server, 'GET', '/orgs/c/assistants'); // 401s count too: the limit is per IP
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      seen.push(Number(res.headers.get('ratelimit-remaining')));
      expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const over = await call(server, 'GET', '/guides');
    expect(over.status).toBe(429);
    expect(over.body.message).toMatch(/rate limit exceeded: at most 5 requests per minute/);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    // probes stay reachable for load balancers
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    expect((await call(server, 'GET', '/readyz?probe=lb')).status).toBe(200);
  });
});
