import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { call, client, seedOrg, settled, startServer, type TestServer } from './harness.ts';
import { readSse } from './sse-client.ts';

const NUL = '\u0000';
const LONE = '\ud800';

/** A page that any public site could serve: NUL bytes and lone surrogates (as UTF-8 of U+FFFD and raw) in text and title. */
function hostileSite(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/robots.txt') return res.writeHead(404).end();
    const html = `<html><head><title>Bikes${NUL} and more</title></head><body><main><h1>Repairs${NUL}</h1>
      <p>We fix punctures in${NUL} one hour, every day of the week${LONE}.</p><p>Broken ${LONE}chains are replaced the same day.</p></main></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

describe('hostile text at the boundary', () => {
  let server: TestServer;
  let site: Awaited<ReturnType<typeof hostileSite>>;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    site = await hostileSite();
    fake = await startFakeOpenAI();
    server = await startServer({ PARLEY_EGRESS_ALLOW: '127.0.0.1/32', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url });
  });
  afterAll(async () => {
    await server?.close();
    site?.server.close();
    await fake?.close();
  });

  it('refuses NUL and lone surrogates in client input with a 400 naming the field', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await api.post('/orgs/c/assistants', { name: 'Bot' });
    expect(agent.status).toBe(200);
    const cases: Array<[string, Promise<{ status: number; body: any }>, RegExp]> = [
      ['path id', api.get(`/orgs/c/assistants/ast_${encodeURIComponent(NUL)}x`), /^assistant_id: contains a NUL character/],
      ['org in path', api.get(`/orgs/${encodeURIComponent(NUL)}/assistants`), /^org_id: contains a NUL character/],
      ['query value', api.get(`/orgs/c/knowledge/contents?search=a${encodeURIComponent(NUL)}`), /^search: contains a NUL/],
      ['JSON string', api.post('/orgs/c/assistants', { name: `Bot${NUL}` }), /^name: contains a NUL character \(U\+0000\), which cannot be stored$/],
      ['nested config', api.patch(`/orgs/c/assistants/${agent.body.id}`, { config: { instructions: `Be kind${LONE}` } }), /^config\.instructions: contains an unpaired UTF-16 surrogate/],
      ['object key', api.patch(`/orgs/c/assistants/${agent.body.id}`, { config: { [`k${NUL}`]: 1 } }), /^config\.\{key\}: contains a NUL/],
      ['history', call(server, 'POST', `/api/agents/${agent.body.id}/invoke`, { key: t.key, json: { message: 'hi', history: [{ role: 'user', content: `a${NUL}` }] } }), /^history\[0\]\.content: contains a NUL/],
      ['message', call(server, 'POST', `/api/agents/${agent.body.id}/invoke`, { key: t.key, json: { message: `hi ${LONE}` } }), /^message: contains an unpaired/],
    ];
    for (const [what, pending, message] of cases) {
      const res = await pending;
      expect(res.status, what).toBe(400);
      expect(res.body.message, what).toMatch(message);
    }
    // The refused runtime calls wrote nothing, and the assistant's config is as it was.
    const chats = await api.get(`/orgs/c/chats?assistant_id=${agent.body.id}`);
    expect(chats.body).toEqual([]);
    const same = await api.get(`/orgs/c/assistants/${agent.body.id}`);
    expect(same.body.config.instructions).not.toContain('Be kind');
  });

  it('refuses a multipart file name holding NUL', async () => {
    const t = await seedOrg(server);
    const form = new FormData();
    form.set('file', new Blob(['hello'], { type: 'text/plain' }), `notes${NUL}.txt`);
    const res = await fetch(`${server.url}/orgs/c/knowledge/contents`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^file\.filename: contains a NUL character/);
  });

  it('indexes a crawled page and an uploaded file holding NUL and lone surrogates, and keeps serving', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const page = await api.post('/orgs/c/knowledge/contents', { title: 'Hostile page', content: { type: 'URL', url: `${site.url}/` } });
    expect(page.status, page.text).toBe(201);
    const form = new FormData();
    form.set('file', new Blob([Buffer.from(`# Returns\n\nReturns are accepted${NUL} within 30 days.\n`)], { type: 'text/markdown' }), 'returns.md');
    const file = await fetch(`${server.url}/orgs/c/knowledge/contents`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: form });
    expect(file.status).toBe(201);
    const fileId = ((await file.json()) as { id: string }).id;

    const crawled = await settled(server, t.key, page.body.id);
    expect(crawled.status, crawled.error).toBe('PROCESSED');
    expect(crawled.children[0].title).toBe('Bikes and more');
    const uploaded = await settled(server, t.key, fileId);
    expect(uploaded.status, uploaded.error).toBe('PROCESSED');
    expect(uploaded.text).toContain('Returns are accepted within 30 days.');

    const search = await api.post('/orgs/c/knowledge/search', { query: 'punctures' });
    expect(search.status).toBe(200);
    expect(search.body.results[0].text).toContain('We fix punctures in one hour');
    expect(search.body.results[0].text).toContain('week\ufffd.');
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('records model output holding NUL and lone surrogates, cleaned, with its usage inside the budget', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await api.post('/orgs/c/assistants', { name: 'Vendor bot', config: { model: 'openai/gpt-4o-mini' } });
    await api.patch('/orgs/c', { monthly_token_budget: 30 });
    fake.enqueue({ kind: 'text', text: `Hello${NUL} there${LONE}!`, usage: { input: 20, output: 5 } });
    const first = await call(server, 'POST', `/api/agents/${agent.body.id}/invoke`, { key: t.key, json: { message: 'hi' } });
    expect(first.status, first.text).toBe(200);
    fake.enqueue({ kind: 'text', text: `Streamed${NUL} reply`, chunks: [`Streamed${NUL}`, ' reply'], usage: { input: 20, output: 5 } });
    const res = await fetch(`${server.url}/api/agents/${agent.body.id}/invoke/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'again' }),
    });
    const events = await readSse(res);
    expect(events.at(-1).type).toBe('done');
    // 50 tokens used of 30: the next call is refused whether or not the records are written yet.
    const refused = await call(server, 'POST', `/api/agents/${agent.body.id}/invoke`, { key: t.key, json: { message: 'more' } });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/monthly token budget exhausted for this organization \(50 of 30 tokens used\)/);

    const messages = await api.get(`/chats/${first.body.chat_id}/messages`);
    expect(messages.body.map((m: any) => m.parts[0].text)).toEqual(['hi', 'Hello there\ufffd!']);
    const usage = await api.get('/orgs/c/usage');
    expect(usage.body.totals).toMatchObject({ requests: 2, total_tokens: 50 });
  });
});

describe('framework errors speak the contract', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('answers a malformed percent-encoding, an over-long id, a wrong method and a wrong media type with a message', async () => {
    const t = await seedOrg(server);
    const badUrl = await call(server, 'GET', '/orgs/c/assistants/%zz', { key: t.key });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toEqual({ message: 'the URL is not valid: it holds a malformed percent-encoding' });
    const long = await call(server, 'GET', `/orgs/c/assistants/${'a'.repeat(5000)}`, { key: t.key });
    expect(long.status).toBe(400);
    expect(long.body).toEqual({ message: 'a path parameter is too long (at most 200 characters)' });
    const wrongMethod = await call(server, 'PUT', '/orgs/c/assistants', { key: t.key, json: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(wrongMethod.body).toEqual({ message: 'method PUT is not allowed on /orgs/c/assistants; allowed: GET, HEAD, POST' });
    const media = await call(server, 'POST', '/orgs/c/assistants', { key: t.key, body: '<name>x</name>', headers: { 'content-type': 'application/xml' } });
    expect(media.status).toBe(415);
    expect(media.body).toEqual({ message: 'unsupported content type; send Content-Type: application/json' });
    const unknown = await call(server, 'DELETE', '/no/such/thing', { key: t.key });
    expect(unknown.status).toBe(404);
    // Node's parser refuses a URL over 16 KB before any route: still a JSON message.
    const huge = await call(server, 'GET', `/orgs/c/assistants?search=${'q'.repeat(20_000)}`, { key: t.key });
    expect(huge.status).toBe(431);
    expect(huge.body).toEqual({ message: 'the URL and headers are too large (at most 16 KB together)' });
    // A request id that looks like a key is not echoed (it would be logged on every line).
    const sneaky = await call(server, 'GET', '/healthz', { headers: { 'x-request-id': t.key } });
    expect(sneaky.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('job failures never take the process down', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_EGRESS_ALLOW: '127.0.0.1/32' });
  });
  afterAll(async () => server?.close());

  it('fails a job that the worker died on at every attempt, with its reason, and keeps the queue running', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const item = await api.post('/orgs/c/knowledge/contents', { title: 'Notes', content: { type: 'TEXT', text: 'Stored once.' } });
    expect((await settled(server, t.key, item.body.id)).status).toBe('PROCESSED');
    // As a killed worker leaves it: running, its lease over, every attempt used.
    const { db } = server.deps.database;
    await db.execute(sql`insert into jobs (id, name, payload, status, attempts, max_attempts, locked_by, locked_until, run_at)
      values ('job_killer', 'knowledge.ingest', ${JSON.stringify({ content_id: item.body.id })}::jsonb, 'running', 4, 4, 'dead-worker', now() - interval '1 minute', now())`);
    server.deps.jobs.wake();
    await server.deps.jobs.idle();
    const failed = await settled(server, t.key, item.body.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('gave up after 4 attempts: the process running it stopped before it finished');
    const job = await db.execute(sql`select status, last_error from jobs where id = 'job_killer'`);
    expect((job as unknown as { rows: unknown[] }).rows[0]).toMatchObject({ status: 'failed' });

    // The queue goes on with other work.
    const next = await api.post('/orgs/c/knowledge/contents', { title: 'More', content: { type: 'TEXT', text: 'Still indexed.' } });
    expect((await settled(server, t.key, next.body.id)).status).toBe('PROCESSED');
  });

  it('ends FAILED when the failure handler itself throws, and the server keeps serving', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const refusing = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(refusing.address() as { port: number }).port}/`;
    const item = await api.post('/orgs/c/knowledge/contents', { title: 'Gone soon', content: { type: 'URL', url } });
    // The failure handler writes to an item whose row a trigger refuses to change: it throws.
    const { db } = server.deps.database;
    await db.execute(sql.raw(`create or replace function refuse_failed() returns trigger language plpgsql as $$
      begin if new.status = 'FAILED' and new.id = '${item.body.id}' then raise exception 'refused by test'; end if; return new; end $$`));
    await db.execute(sql`create trigger refuse_failed before update on knowledge_contents for each row execute function refuse_failed()`);
    try {
      await server.deps.jobs.idle(20_000);
      const job = await db.execute(sql`select status from jobs where payload->>'content_id' = ${item.body.id}`);
      expect((job as unknown as { rows: unknown[] }).rows).toEqual([{ status: 'failed' }]);
      expect((await call(server, 'GET', '/healthz')).status).toBe(200);
      const other = await api.post('/orgs/c/knowledge/contents', { title: 'Fine', content: { type: 'TEXT', text: 'Indexed anyway.' } });
      expect((await settled(server, t.key, other.body.id)).status).toBe('PROCESSED');
    } finally {
      await db.execute(sql`drop trigger refuse_failed on knowledge_contents`);
      refusing.close();
    }
  });
});
