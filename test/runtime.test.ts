import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, startServer, type Tenant, type TestServer } from './harness.ts';
import { readSse } from './sse-client.ts';

describe('runtime API on the built-in model', () => {
  let server: TestServer;
  let t: Tenant;
  let agentId: string;
  beforeAll(async () => {
    server = await startServer();
    t = await seedOrg(server);
    agentId = (
      await client(server, t.key).post('/orgs/c/assistants', {
        name: 'Helpdesk',
        config: { instructions: 'You are the assistant of Acme Dental. Our clinic is open Monday to Friday from 9am to 6pm.' },
      })
    ).body.id;
  });
  afterAll(async () => server?.close());

  const invoke = (body: unknown, key = t.key, id = agentId) =>
    call(server, 'POST', `/api/agents/${id}/invoke`, { key, json: body });

  it('answers the seed examples with a response and consistent usage', async () => {
    const basic = await invoke({ message: 'What is the capital of France?' });
    expect(basic.status).toBe(200);
    expect(typeof basic.body.response).toBe('string');
    expect(basic.body.response.length).toBeGreaterThan(0);
    const u = basic.body.usage;
    expect(u.prompt_tokens).toBeGreaterThan(0);
    expect(u.completion_tokens).toBeGreaterThan(0);
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    expect(basic.body.chat_id).toMatch(/^chat_/);

    const withHistory = await invoke({
      message: 'What about Italy?',
      history: [
        { role: 'user', content: 'What is the capital of France?' },
        { role: 'assistant', content: 'The capital of France is Paris.' },
      ],
    });
    expect(withHistory.status).toBe(200);
    expect(withHistory.body.usage.total_tokens).toBe(withHistory.body.usage.prompt_tokens + withHistory.body.usage.completion_tokens);
    // the history is part of the prompt, so it costs more prompt tokens than the bare question
    expect(withHistory.body.usage.prompt_tokens).toBeGreaterThan(basic.body.usage.prompt_tokens);
  });

  it('answers from the instructions', async () => {
    const res = await invoke({ message: 'When is the clinic open?' });
    expect(res.status).toBe(200);
    expect(res.body.response).toMatch(/Monday to Friday/);
  });

  it('streams metadata, tokens and done, whose response is the concatenated tokens', async () => {
    const res = await fetch(`${server.url}/api/agents/${agentId}/invoke/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'When is the clinic open?' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(res);
    expect(events[0]).toEqual({ type: 'metadata', content: '', data: { agent_id: agentId, chat_id: expect.stringMatching(/^chat_/) } });
    const tokens = events.filter((e) => e.type === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    for (const tk of tokens) expect(tk.data).toBeNull();
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    expect(done.content).toBe('');
    expect(done.data.response).toBe(tokens.map((e) => e.content).join(''));
    expect(done.data.usage.total_tokens).toBe(done.data.usage.prompt_tokens + done.data.usage.completion_tokens);
    expect(done.data.chat_id).toBe(events[0]!.data.chat_id);
  });

  it('answers every documented error with its exact text and status, on both endpoints', async () => {
    const other = await seedOrg(server);
    const foreign = (await client(server, other.key).post('/orgs/c/assistants', { name: 'Foreign' })).body.id;
    const disabled = (await client(server, t.key).post('/orgs/c/assistants', { name: 'Off', enabled: false })).body.id;
    const deleted = (await client(server, t.key).post('/orgs/c/assistants', { name: 'Gone' })).body.id;
    await client(server, t.key).del(`/orgs/c/assistants/${deleted}`);

    const cases: Array<[string, unknown, string | undefined, string, number, RegExp | string]> = [
      ['missing message', {}, t.key, agentId, 400, 'message is required'],
      ['empty message', { message: '' }, t.key, agentId, 400, 'message is required'],
      ['blank message', { message: '   ' }, t.key, agentId, 400, 'message is required'],
      ['non-string message', { message: 42 }, t.key, agentId, 400, 'message must be a string'],
      ['too long message', { message: 'x'.repeat(100_001) }, t.key, agentId, 400, 'message must be at most 100000 characters'],
      ['too much history', { message: 'hi', history: Array.from({ length: 501 }, () => ({ role: 'user', content: 'x' })) }, t.key, agentId, 400, 'history: must hold at most 500 items'],
      ['history not an array', { message: 'hi', history: 'nope' }, t.key, agentId, 400, 'history: must be an array of {role, content}'],
      ['bad role', { message: 'hi', history: [{ role: 'system', content: 'x' }] }, t.key, agentId, 400, /^history\[0\]\.role: must be "user" or "assistant"/],
      ['non-string content', { message: 'hi', history: [{ role: 'user', content: 5 }] }, t.key, agentId, 400, 'history[0].content: must be a string'],
      ['too long content', { message: 'hi', history: [{ role: 'user', content: 'x'.repeat(100_001) }] }, t.key, agentId, 400, 'history[0].content: must be at most 100000 characters'],
      ['empty chat_id', { message: 'hi', chat_id: '' }, t.key, agentId, 400, 'chat_id: must not be empty'],
      ['bad key', { message: 'hi' }, 'apk_' + 'x'.repeat(43), agentId, 401, 'invalid or expired api key'],
      ['no key', { message: 'hi' }, undefined, agentId, 401, 'invalid or expired api key'],
      ['unknown agent', { message: 'hi' }, t.key, 'ast_unknown000000000000000', 404, 'Agent not found'],
      ['other org agent', { message: 'hi' }, t.key, foreign, 404, 'Agent not found'],
      ['deleted agent', { message: 'hi' }, t.key, deleted, 404, 'Agent not found'],
      ['disabled agent', { message: 'hi' }, t.key, disabled, 403, 'Agent is disabled'],
      ['chat and history', { message: 'hi', chat_id: 'chat_x', history: [] }, t.key, agentId, 400, 'send either chat_id or history, not both'],
      ['unknown chat', { message: 'hi', chat_id: 'chat_nope' }, t.key, agentId, 404, 'Chat not found'],
    ];
    for (const path of ['invoke', 'invoke/stream']) {
      for (const [name, body, key, id, status, message] of cases) {
        const res = await call(server, 'POST', `/api/agents/${id}/${path}`, { key, json: body });
        expect(res.status, `${path}: ${name}`).toBe(status);
        expect(res.headers.get('content-type'), `${path}: ${name}`).toMatch(/application\/json/);
        if (typeof message === 'string') expect(res.body, `${path}: ${name}`).toEqual({ message });
        else expect(res.body.message, `${path}: ${name}`).toMatch(message);
      }
      const notJson = await call(server, 'POST', `/api/agents/${agentId}/${path}`, {
        key: t.key,
        body: '{"message":',
        headers: { 'content-type': 'application/json' },
      });
      expect(notJson.status).toBe(400);
      expect(notJson.body).toEqual({ message: 'request body is not valid JSON' });
    }
  });

  it('records every call as a chat and continues it by chat_id', async () => {
    const first = await invoke({ message: 'Hello' });
    const chatId = first.body.chat_id;
    const sentAt = Date.now();
    const second = await invoke({ message: 'When is the clinic open?', chat_id: chatId });
    const elapsed = Date.now() - sentAt;
    expect(second.status).toBe(200);
    expect(second.body.chat_id).toBe(chatId);
    const msgs = await client(server, t.key).get(`/chats/${chatId}/messages`);
    expect(msgs.status).toBe(200);
    expect(msgs.headers.get('pagination-count')).toBe('4');
    expect(msgs.body.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(msgs.body[0].parts).toEqual([{ type: 'text', text: 'Hello' }]);
    const reply = msgs.body[3];
    expect(reply).toMatchObject({ status: 'COMPLETED', model: 'builtin/extractive', parts: [{ type: 'text', text: second.body.response }] });
    expect(reply.usage).toEqual({
      input_tokens: second.body.usage.prompt_tokens,
      output_tokens: second.body.usage.completion_tokens,
      total_tokens: second.body.usage.total_tokens,
    });
    // The server's own measure of the call fits inside what the client saw around it.
    expect(Number.isInteger(reply.latency_ms)).toBe(true);
    expect(reply.latency_ms).toBeLessThanOrEqual(elapsed);
    // the continuation saw the first exchange: more prompt tokens than the same question alone
    const alone = await invoke({ message: 'When is the clinic open?' });
    expect(second.body.usage.prompt_tokens).toBeGreaterThan(alone.body.usage.prompt_tokens);
  });

  it('records concurrent calls each once, complete, with their usage', async () => {
    const tenant = await seedOrg(server);
    const api = client(server, tenant.key);
    const agent = (await api.post('/orgs/c/assistants', { name: 'Busy' })).body.id;
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) => invoke({ message: `Question number ${i}` }, tenant.key, agent)),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const chats = await api.get(`/orgs/c/chats?assistant_id=${agent}&take=100`);
    expect(chats.headers.get('pagination-count')).toBe('24');
    expect(new Set(chats.body.map((c: { id: string }) => c.id))).toEqual(new Set(replies.map((r) => r.body.chat_id)));
    expect(chats.body.every((c: { status: string; messages_count: number }) => c.status === 'COMPLETED' && c.messages_count === 2)).toBe(true);
    const usage = await api.get('/orgs/c/usage?group_by=assistant');
    const total = replies.reduce((n, r) => n + r.body.usage.total_tokens, 0);
    expect(usage.body.totals).toMatchObject({ requests: 24, errors: 0, total_tokens: total });
  });

  it('keeps the client history in a new chat', async () => {
    const res = await invoke({
      message: 'And on Saturday?',
      history: [
        { role: 'user', content: 'When is the clinic open?' },
        { role: 'assistant', content: 'Monday to Friday from 9am to 6pm.' },
      ],
    });
    const msgs = await client(server, t.key).get(`/chats/${res.body.chat_id}/messages`);
    expect(msgs.body.map((m: { parts: Array<{ text: string }> }) => m.parts[0]!.text).slice(0, 3)).toEqual([
      'When is the clinic open?',
      'Monday to Friday from 9am to 6pm.',
      'And on Saturday?',
    ]);
    const chat = await client(server, t.key).get(`/chats/${res.body.chat_id}`);
    expect(chat.body).toMatchObject({ assistant_id: agentId, title: 'When is the clinic open?', status: 'COMPLETED', messages_count: 4 });
  });

  it('manages chats through the admin API with tenancy', async () => {
    const own = await seedOrg(server);
    const api = client(server, own.key);
    const a = (await api.post('/orgs/c/assistants', { name: 'A' })).body.id;
    const b = (await api.post('/orgs/c/assistants', { name: 'B' })).body.id;
    const ca = (await invoke({ message: 'hi' }, own.key, a)).body.chat_id;
    await invoke({ message: 'hi' }, own.key, b);
    const all = await api.get('/orgs/c/chats');
    expect(all.body).toHaveLength(2);
    const onlyA = await api.get(`/orgs/c/chats?assistant_id=${a}`);
    expect(onlyA.body.map((c: { id: string }) => c.id)).toEqual([ca]);
    const patched = await api.patch(`/chats/${ca}`, { title: 'Renamed', pinned: true });
    expect(patched.body).toMatchObject({ title: 'Renamed', pinned: true });
    // another org's key sees nothing of it
    for (const [method, path] of [['GET', `/chats/${ca}`], ['GET', `/chats/${ca}/messages`], ['PATCH', `/chats/${ca}`], ['DELETE', `/chats/${ca}`]] as const) {
      const res = await call(server, method, path, { key: t.key, ...(method === 'PATCH' && { json: { title: 'x' } }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ message: 'Chat not found' });
    }
    // nor can it continue the chat through its own agent
    expect((await invoke({ message: 'hi', chat_id: ca })).status).toBe(404);
    const del = await api.del(`/chats/${ca}`);
    expect(del.body).toEqual({ id: ca, deleted: true });
    expect((await api.get(`/chats/${ca}`)).status).toBe(404);
    // its messages (which carry no foreign key to the chat) went with it
    const left = await server.deps.database.db.execute(sql`select count(*)::int as n from messages where chat_id = ${ca}`);
    expect((left as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).toBe(0);
    // a parent key reaches a sub-org's chats by id
    const sub = await seedOrg(server, { parentId: own.orgId });
    const subAgent = (await client(server, sub.key).post('/orgs/c/assistants', { name: 'Sub' })).body.id;
    const subChat = (await invoke({ message: 'hi' }, own.key, subAgent)).body.chat_id;
    expect((await api.get(`/chats/${subChat}`)).status).toBe(200);
    expect((await client(server, sub.key).get(`/chats/${subChat}`)).status).toBe(200);
  });

  it('lets runtime keys invoke, and restricted keys only their assistant', async () => {
    const api = client(server, t.key);
    const second = (await api.post('/orgs/c/assistants', { name: 'Second' })).body.id;
    const rt = (await api.post('/orgs/c/api-keys', { scope: 'runtime' })).body.key;
    const only = (await api.post('/orgs/c/api-keys', { scope: 'runtime', assistant_id: second })).body.key;
    expect((await invoke({ message: 'hi' }, rt)).status).toBe(200);
    expect((await client(server, rt).get('/orgs/c/assistants')).status).toBe(403);
    expect((await invoke({ message: 'hi' }, only, second)).status).toBe(200);
    const denied = await invoke({ message: 'hi' }, only, agentId);
    expect(denied.status).toBe(404);
    expect(denied.body).toEqual({ message: 'Agent not found' });
  });

  it('sums usage by assistant, model and day, and enforces a monthly budget', async () => {
    const own = await seedOrg(server);
    const api = client(server, own.key);
    const a = (await api.post('/orgs/c/assistants', { name: 'A' })).body.id;
    const b = (await api.post('/orgs/c/assistants', { name: 'B' })).body.id;
    const replies = [await invoke({ message: 'hi' }, own.key, a), await invoke({ message: 'thanks' }, own.key, a), await invoke({ message: 'hello' }, own.key, b)];
    const tokens = replies.reduce((n, r) => n + r.body.usage.total_tokens, 0);
    const byAssistant = await api.get('/orgs/c/usage?group_by=assistant');
    expect(byAssistant.status).toBe(200);
    expect(byAssistant.body.totals).toMatchObject({ requests: 3, errors: 0, total_tokens: tokens });
    const groups = Object.fromEntries(byAssistant.body.groups.map((g: { key: string; requests: number }) => [g.key, g.requests]));
    expect(groups).toEqual({ [a]: 2, [b]: 1 });
    const byModel = await api.get('/orgs/c/usage?group_by=model');
    expect(byModel.body.groups).toEqual([expect.objectContaining({ key: 'builtin/extractive', requests: 3, total_tokens: tokens })]);
    const byDay = await api.get('/orgs/c/usage');
    expect(byDay.body.groups[0].key).toBe(new Date().toISOString().slice(0, 10));
    expect(byDay.body.month_to_date_tokens).toBe(tokens);
    expect((await api.get('/orgs/c/usage?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z')).status).toBe(400);
    // budget: spent already, so the next call is refused
    const patched = await api.patch('/orgs/c', { monthly_token_budget: tokens });
    expect(patched.body.monthly_token_budget).toBe(tokens);
    const refused = await invoke({ message: 'hi' }, own.key, a);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/monthly token budget exhausted/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await api.patch('/orgs/c', { monthly_token_budget: null });
    expect((await invoke({ message: 'hi' }, own.key, a)).status).toBe(200);
  });

  it('trims long history to the context window instead of failing', async () => {
    const long = Array.from({ length: 60 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content: `turn ${i} ` + 'lorem ipsum dolor sit amet '.repeat(40),
    }));
    const res = await invoke({ message: 'When is the clinic open?', history: long });
    expect(res.status).toBe(200);
    expect(res.body.usage.prompt_tokens).toBeLessThan(8192);
    const tooLong = await invoke({ message: 'word '.repeat(20_000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toMatch(/too long for the model's context window/);
  });
});
