import { sql } from 'drizzle-orm';
import { SYSTEM_ACTOR } from '../src/events/actor.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from './fakes/anthropic-fake.ts';
import { startFakeOpenAI } from './fakes/openai-fake.ts';
import { call, client, seedOrg, startServer, type Tenant, type TestServer } from './harness.ts';
import { readSse, sseEvents } from './sse-client.ts';

type Fake = Awaited<ReturnType<typeof startFakeOpenAI>>;

const FAST_RETRIES = { PARLEY_LLM_RETRY_BASE_MS: '5', PARLEY_LLM_MAX_RETRIES: '2' };

async function agentWith(server: TestServer, model: string, tenant?: Tenant) {
  const t = tenant ?? (await seedOrg(server));
  const agent = await client(server, t.key).post('/orgs/c/assistants', { name: 'Vendor bot', config: { model, instructions: 'Be brief.' } });
  expect(agent.status, agent.text).toBe(200);
  return { ...t, agentId: agent.body.id as string };
}

const invoke = (server: TestServer, key: string, id: string, body: unknown) =>
  call(server, 'POST', `/api/agents/${id}/invoke`, { key, json: body });

const streamReq = (server: TestServer, key: string, id: string, body: unknown, signal?: AbortSignal) =>
  fetch(`${server.url}/api/agents/${id}/invoke/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

describe.each([
  ['openai', 'openai/gpt-4o-mini', (f: Fake) => ({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: f.url })],
  ['openai-compatible', 'openai-compatible/llama3', (f: Fake) => ({ OPENAI_COMPATIBLE_BASE_URL: f.url, OPENAI_COMPATIBLE_API_KEY: 'local' })],
] as const)('runtime through %s (fake OpenAI wire)', (_name, model, env) => {
  let fake: Fake;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    server = await startServer({ ...env(fake), ...FAST_RETRIES });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('invokes with the vendor usage and the assembled prompt', async () => {
    const a = await agentWith(server, model);
    fake.enqueue({ kind: 'text', text: 'Paris is the capital.', usage: { input: 21, output: 5 } });
    const res = await invoke(server, a.key, a.agentId, {
      message: 'Capital of France?',
      history: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response: 'Paris is the capital.', usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 } });
    const sent = fake.requests.at(-1)!.body;
    expect(sent.model).toBe(model.split('/')[1]);
    expect(sent.messages[0].role).toBe('system');
    expect(sent.messages[0].content).toContain('Be brief.');
    expect(sent.messages.slice(1)).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Capital of France?' },
    ]);
  });

  it('streams the vendor chunks as tokens with the vendor usage', async () => {
    const a = await agentWith(server, model);
    fake.enqueue({ kind: 'text', text: 'One two three', chunks: ['One', ' two', ' three'], usage: { input: 11, output: 3 } });
    const events = await readSse(await streamReq(server, a.key, a.agentId, { message: 'count' }));
    expect(events.map((e) => e.type)).toEqual(['metadata', 'token', 'token', 'token', 'done']);
    expect(events.filter((e) => e.type === 'token').map((e) => e.content)).toEqual(['One', ' two', ' three']);
    expect(events.at(-1).data).toMatchObject({ response: 'One two three', usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 } });
  });

  it('retries 429 and 500 then succeeds', async () => {
    const a = await agentWith(server, model);
    const before = fake.requests.length;
    fake.enqueue({ kind: 'error', status: 429 }, { kind: 'error', status: 500 }, { kind: 'text', text: 'Finally.', usage: { input: 3, output: 1 } });
    const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body.response).toBe('Finally.');
    expect(fake.requests.length - before).toBe(3);
  });

  it('answers 502 after exhausting retries, and an error event when streaming', async () => {
    const a = await agentWith(server, model);
    fake.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 503 }, { kind: 'error', status: 500 });
    const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
    expect(res.status).toBe(502);
    expect(res.body.message).toMatch(/model provider failed \(HTTP 500\)/);
    expect(res.text).not.toContain('sk-test');
    fake.enqueue({ kind: 'error', status: 500 }, { kind: 'error', status: 500 }, { kind: 'error', status: 500 });
    const events = await readSse(await streamReq(server, a.key, a.agentId, { message: 'hi' }));
    expect(events[0].type).toBe('metadata');
    expect(events.at(-1)).toMatchObject({ type: 'error', data: null });
    expect(events.at(-1).content).toMatch(/model provider failed/);
    const usage = await client(server, a.key).get('/orgs/c/usage');
    expect(usage.body.totals).toMatchObject({ requests: 2, errors: 2 });
  });

  it('does not retry a 400 from the vendor', async () => {
    const a = await agentWith(server, model);
    const before = fake.requests.length;
    fake.enqueue({ kind: 'error', status: 400, message: 'bad request' });
    const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
    expect(res.status).toBe(502);
    expect(fake.requests.length - before).toBe(1);
  });

  it('stops the upstream call when the client disconnects and keeps what was produced', async () => {
    const a = await agentWith(server, model);
    const words = Array.from({ length: 200 }, (_, i) => ` w${i}`);
    fake.enqueue({ kind: 'text', text: words.join(''), chunks: words, chunkDelayMs: 20, usage: { input: 5, output: 200 } });
    const abortedBefore = fake.aborted;
    const controller = new AbortController();
    const res = await streamReq(server, a.key, a.agentId, { message: 'long story' }, controller.signal);
    let chatId = '';
    let tokens = 0;
    try {
      for await (const ev of sseEvents(res)) {
        if (ev.type === 'metadata') chatId = ev.data.chat_id;
        if (ev.type === 'token' && ++tokens === 3) controller.abort();
      }
    } catch {
      // the abort ends our read
    }
    await fake.waitForAbort(5000);
    expect(fake.aborted).toBeGreaterThan(abortedBefore);
    // the run is recorded as cancelled with the partial text
    let reply: any;
    for (let i = 0; i < 50; i++) {
      const msgs = await client(server, a.key).get(`/chats/${chatId}/messages`);
      reply = msgs.body.find((m: { role: string }) => m.role === 'assistant');
      if (reply?.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(reply.status).toBe('CANCELED');
    expect(reply.parts[0].text).toMatch(/^ w0 w1 w2/);
    expect(reply.parts[0].text.length).toBeLessThan(words.join('').length);
    const usage = await client(server, a.key).get('/orgs/c/usage');
    expect(usage.body.totals.requests).toBe(1);
    expect(usage.body.totals.completion_tokens).toBeGreaterThan(0);
  });

  it('shows a long stream as RUNNING while it runs, then completes the same chat and message', async () => {
    const a = await agentWith(server, model);
    const words = Array.from({ length: 12 }, (_, i) => ` s${i}`);
    fake.enqueue({ kind: 'text', text: words.join(''), chunks: words, chunkDelayMs: 25, usage: { input: 7, output: 12 } });
    const res = await streamReq(server, a.key, a.agentId, { message: 'tell me slowly' });
    let chatId = '';
    let midway: any;
    const events: any[] = [];
    for await (const ev of sseEvents(res)) {
      events.push(ev);
      if (ev.type === 'metadata') chatId = ev.data.chat_id;
      // Reading the chat mid-stream writes what is queued: the reply appears as RUNNING.
      if (ev.type === 'token' && events.filter((e) => e.type === 'token').length === 4) {
        midway = (await client(server, a.key).get(`/chats/${chatId}/messages`)).body;
      }
    }
    expect(events.at(-1).type).toBe('done');
    expect(midway.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ['user', 'COMPLETED'],
      ['assistant', 'RUNNING'],
    ]);
    const after = (await client(server, a.key).get(`/chats/${chatId}/messages`)).body;
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ id: midway[1].id, status: 'COMPLETED', parts: [{ type: 'text', text: words.join('') }] });
    const chat = (await client(server, a.key).get(`/chats/${chatId}`)).body;
    expect(chat).toMatchObject({ status: 'COMPLETED', messages_count: 2 });
    const usage = (await client(server, a.key).get('/orgs/c/usage')).body;
    expect(usage.totals).toMatchObject({ requests: 1, prompt_tokens: 7, completion_tokens: 12 });
  });
});

describe('runtime through anthropic (fake Messages wire)', () => {
  let fake: Awaited<ReturnType<typeof startFakeAnthropic>>;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    server = await startServer({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fake.url, ...FAST_RETRIES });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('invokes and streams with the vendor usage', async () => {
    const a = await agentWith(server, 'anthropic/claude-3-5-haiku-latest');
    fake.enqueue({ kind: 'text', text: 'Bonjour.', usage: { input: 30, output: 4 } });
    const res = await invoke(server, a.key, a.agentId, { message: 'Say hello in French' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response: 'Bonjour.', usage: { prompt_tokens: 30, completion_tokens: 4, total_tokens: 34 } });
    const req = fake.requests.at(-1)!;
    expect(req.headers['x-api-key']).toBe('sk-ant-test');
    expect(req.body.system).toBeDefined();
    fake.enqueue({ kind: 'text', text: 'Hola amigo', chunks: ['Hola', ' amigo'], usage: { input: 12, output: 2 } });
    const events = await readSse(await streamReq(server, a.key, a.agentId, { message: 'Spanish?' }));
    expect(events.filter((e) => e.type === 'token').map((e) => e.content).join('')).toBe('Hola amigo');
    expect(events.at(-1).data.usage).toEqual({ prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 });
  });

  it('retries an overloaded error then succeeds', async () => {
    const a = await agentWith(server, 'anthropic/claude-3-5-haiku-latest');
    fake.enqueue({ kind: 'error', status: 529 }, { kind: 'text', text: 'Ok.', usage: { input: 2, output: 1 } });
    const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body.response).toBe('Ok.');
  });
});

describe('org-stored provider credentials', () => {
  let fake: Fake;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => fake?.close());

  it('lists the providers an assistant can use and where their credentials come from, to the org and its sub-orgs', async () => {
    const server = await startServer({ ...FAST_RETRIES, OPENAI_API_KEY: 'sk-instance-key-5678' });
    try {
      const t = await seedOrg(server);
      const api = client(server, t.key);
      const before = await api.get('/orgs/c/models');
      expect(before.status, before.text).toBe(200);
      expect(before.body.map((p: { provider: string; configured_by: string }) => [p.provider, p.configured_by])).toEqual([
        ['builtin', 'builtin'],
        ['openai', 'instance'],
      ]);
      expect(before.body[1].suggested_models).toContain('gpt-4o-mini');
      expect((await call(server, 'PUT', '/orgs/c/providers/anthropic', { key: t.key, json: { api_key: 'sk-ant-org-key-9012' } })).status).toBe(200);
      const sub = await api.post('/orgs/c/orgs', { name: 'Branch' });
      expect(sub.status, sub.text).toBe(200);
      const own = await api.get('/orgs/c/models');
      const inherited = await api.get(`/orgs/${sub.body.id}/models`);
      expect(own.body.map((p: { provider: string; configured_by: string }) => [p.provider, p.configured_by])).toEqual([
        ['builtin', 'builtin'],
        ['openai', 'instance'],
        ['anthropic', 'org'],
      ]);
      expect(inherited.body.find((p: { provider: string }) => p.provider === 'anthropic')).toMatchObject({ configured_by: 'parent_org' });
      expect(JSON.stringify([own.body, inherited.body])).not.toMatch(/sk-instance|sk-ant-org/);
    } finally {
      await server.close();
    }
  });

  it('stores keys encrypted and never returns them, with a loopback base URL the operator allowed', async () => {
    const server = await startServer({ ...FAST_RETRIES, PARLEY_EGRESS_ALLOW: '127.0.0.1/32' });
    try {
      const t = await seedOrg(server);
      // not configured on the instance, nor for the org yet: the assistant is refused when saved
      const unconfigured = await client(server, t.key).post('/orgs/c/assistants', { name: 'Vendor bot', config: { model: 'openai-compatible/llama3' } });
      expect(unconfigured.status).toBe(400);
      expect(unconfigured.body.message).toMatch(/^config\.model: model provider "openai-compatible" of "openai-compatible\/llama3" is not configured/);
      const a = { ...t, agentId: '' };
      const put = await client(server, a.key).post('/orgs/c/providers/openai-compatible', {});
      expect(put.status).toBe(405); // PUT, not POST
      expect(put.headers.get('allow')).toContain('PUT');
      const stored = await call(server, 'PUT', '/orgs/c/providers/openai-compatible', {
        key: a.key,
        json: { api_key: 'org-secret-key-1234', base_url: fake.url },
      });
      expect(stored.status, stored.text).toBe(200);
      expect(stored.body).toMatchObject({ provider: 'openai-compatible', has_api_key: true, api_key_hint: '...1234', base_url: fake.url });
      const listed = await client(server, a.key).get('/orgs/c/providers');
      expect(JSON.stringify(listed.body)).not.toContain('org-secret-key');
      a.agentId = (await agentWith(server, 'openai-compatible/llama3', t)).agentId;
      const rows = await server.deps.database.db.execute(sql`select api_key_encrypted from provider_credentials`);
      const sealed = String((rows as unknown as { rows: Array<{ api_key_encrypted: string }> }).rows[0]!.api_key_encrypted);
      expect(sealed).toMatch(/^v1\./);
      expect(sealed).not.toContain('org-secret-key');
      fake.enqueue({ kind: 'text', text: 'From org creds.', usage: { input: 4, output: 3 } });
      const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
      expect(res.status, res.text).toBe(200);
      expect(res.body.response).toBe('From org creds.');
      expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer org-secret-key-1234');
      const del = await client(server, a.key).del('/orgs/c/providers/openai-compatible');
      expect(del.status).toBe(200);
      expect((await client(server, a.key).get('/orgs/c/providers')).body).toEqual([]);
      // The assistant saved earlier stays; a call now says what is missing.
      const gone = await invoke(server, a.key, a.agentId, { message: 'hi' });
      expect(gone.status).toBe(400);
      expect(gone.body.message).toMatch(/not configured on this instance: the operator sets OPENAI_COMPATIBLE_BASE_URL, or an org admin stores/);
    } finally {
      await server.close();
    }
  });

  it('refuses a base URL on a private, loopback or link-local address when it is saved', async () => {
    const server = await startServer(FAST_RETRIES);
    try {
      const a = await seedOrg(server);
      const refused = [
        fake.url, // http://127.0.0.1:<port>
        fake.url.replace('127.0.0.1', 'localhost'), // a name, resolved before it is checked
        'http://[::1]:8080/v1',
        'http://10.1.2.3/v1',
        'http://169.254.169.254/latest',
        'http://[::ffff:192.168.0.10]/v1',
      ];
      for (const base_url of refused) {
        for (const provider of ['openai-compatible', 'openai']) {
          const res = await call(server, 'PUT', `/orgs/c/providers/${provider}`, { key: a.key, json: { api_key: 'sk-org-1234', base_url } });
          expect(res.status, `${provider} ${base_url}: ${res.text}`).toBe(400);
          expect(Object.keys(res.body)).toEqual(['message']);
          expect(res.body.message, base_url).toMatch(/^base_url: address is refused: .*PARLEY_EGRESS_ALLOW/);
        }
      }
      expect((await client(server, a.key).get('/orgs/c/providers')).body).toEqual([]);
      // a public address is stored (nothing is sent to it when saving)
      const ok = await call(server, 'PUT', '/orgs/c/providers/openai-compatible', {
        key: a.key,
        json: { base_url: 'https://93.184.215.14/v1' },
      });
      expect(ok.status, ok.text).toBe(200);
      // ...and a later PUT that only changes the key does not need the URL again
      const keyOnly = await call(server, 'PUT', '/orgs/c/providers/openai-compatible', { key: a.key, json: { api_key: 'sk-org-5678' } });
      expect(keyOnly.status, keyOnly.text).toBe(200);
      expect(keyOnly.body).toMatchObject({ base_url: 'https://93.184.215.14/v1', api_key_hint: '...5678' });
    } finally {
      await server.close();
    }
  });

  it('still refuses a private base URL at call time, when one is stored (rows saved before the check, or DNS that changed)', async () => {
    const server = await startServer(FAST_RETRIES);
    try {
      const t = await seedOrg(server);
      // Written as an old row would be, with the event of the change (which drops cached lookups).
      await server.deps.events.transaction(SYSTEM_ACTOR, async (tx, emit) => {
        await tx.execute(sql`insert into provider_credentials (org_id, provider, base_url) values (${t.orgId}, 'openai-compatible', ${fake.url})`);
        emit({ type: 'provider.updated', orgId: t.orgId, subjectId: 'openai-compatible', data: { provider: 'openai-compatible' } });
      });
      const a = await agentWith(server, 'openai-compatible/llama3', t);
      const before = fake.requests.length;
      const res = await invoke(server, a.key, a.agentId, { message: 'hi' });
      expect(res.status, res.text).toBe(502);
      expect(res.body.message).toMatch(/address is refused: .*PARLEY_EGRESS_ALLOW/);
      expect(fake.requests.length).toBe(before); // the guard refused before any byte left
    } finally {
      await server.close();
    }
  });
});
