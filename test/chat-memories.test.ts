import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { call, client, ENGINE, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const CUSTOMER = [
  'Hello, my name is Dana and my parcel for order 1042 has not arrived.',
  'It was supposed to arrive on Monday at my office in Lyon.',
  'The tracking page says the parcel is stuck at the depot since Friday.',
  'Can you send a replacement for order 1042 to the same address?',
  'Thanks, I will wait for the replacement.',
];

describe(`chat memories (${ENGINE})`, () => {
  let server: TestServer;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    server = await startServer({
      PARLEY_MEMORIES_SCAN_MS: '100',
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: 'local',
      PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
      PARLEY_LLM_MAX_RETRIES: '0',
      PARLEY_DEFAULT_CONTEXT_WINDOW: '700',
    });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('summarises every 10 messages with the built-in model, lists newest first, deletes, and never summarises twice', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = (await api.post('/orgs/c/assistants', { name: 'Memo', config: { conversation: { enable_memories: true } } })).body;
    const off = (await api.post('/orgs/c/assistants', { name: 'No memory' })).body;
    const invoke = async (agent: string, message: string, chatId?: string) => (await api.post(`/api/agents/${agent}/invoke`, { message, chat_id: chatId })).body.chat_id as string;
    const memoriesOf = (chatId: string, query = '') => api.get(`/orgs/c/chats/${chatId}/memories${query}`);

    let chat = '';
    let quiet = '';
    for (const [i, line] of CUSTOMER.entries()) {
      chat = await invoke(bot.id, line, i ? chat : undefined);
      quiet = await invoke(off.id, line, i ? quiet : undefined);
      // Notes and event lines are not conversation: they do not count towards the 10.
      if (i === 1) await api.post(`/chats/${chat}/messages`, { message: [{ type: 'text', text: 'VIP customer' }], role: 'note' });
      if (i === 2) await api.post(`/chats/${chat}/state/unseen`, {});
    }
    const first = await until('the first memory', async () => (await memoriesOf(chat)).body[0]);
    expect(first).toMatchObject({ chat_id: chat, message_count: 10, model: 'builtin/extractive' });
    expect(first.id).toMatch(/^chm_[0-9A-Za-z]{22}$/);
    expect(first.key_points.length).toBeGreaterThan(0);
    expect(first.key_points.join(' ')).toMatch(/1042/);
    expect(first.summary).toMatch(/^Customer: /);
    expect(first.summary).not.toMatch(/VIP/);
    expect(Date.parse(first.summarized_at)).toBeLessThanOrEqual(Date.parse(first.created_at));
    // The assistant without memories got none (its chat was as long, and scanned in the same passes).
    await server.deps.jobs.idle();
    expect((await memoriesOf(quiet)).body).toEqual([]);

    // Ten more messages: a second memory, the summary rolled forward; the list is newest first and paginated.
    for (const line of ['Actually, could you also refund the shipping fee?', 'The shipping fee was 7 euros.', 'I paid by card.', 'Please confirm by email.', 'Goodbye.']) {
      await invoke(bot.id, line, chat);
    }
    const list = await until('the second memory', async () => {
      const res = await memoriesOf(chat);
      return res.body.length === 2 && res;
    });
    expect(list.body.map((m: { message_count: number }) => m.message_count)).toEqual([20, 10]);
    expect(list.headers.get('pagination-count')).toBe('2');
    expect(list.body[0].key_points.join(' ')).toMatch(/shipping fee|refund/);
    const page2 = await memoriesOf(chat, '?take=1&page=2');
    expect(page2.body.map((m: { id: string }) => m.id)).toEqual([first.id]);

    // AGENTs read memories; deleting needs chats:write. One, then all; what they covered is not summarised again.
    const agent = await signedInMember(server, t, 'AGENT');
    const read = await call(server, 'GET', `/orgs/c/chats/${chat}/memories`, { headers: agent.headers });
    expect(read.status).toBe(200);
    expect(read.body).toHaveLength(2);
    const one = await call(server, 'DELETE', `/orgs/c/chats/${chat}/memories/${first.id}`, { headers: agent.headers });
    expect(one.body).toEqual({ id: first.id, deleted: true });
    expect((await api.del(`/orgs/c/chats/${chat}/memories/${first.id}`)).status).toBe(404);
    const all = await api.del(`/orgs/c/chats/${chat}/memories`);
    expect(all.body).toEqual({ chat_id: chat, deleted: 1 });
    expect((await memoriesOf(chat)).body).toEqual([]);
    for (const line of CUSTOMER) await invoke(bot.id, line, chat);
    const third = await until('the third memory', async () => (await memoriesOf(chat)).body[0]);
    expect(third.message_count).toBe(30);
    expect(await memoriesOf(chat).then((r) => r.body.length)).toBe(1);
    const events = (await api.get('/orgs/c/audit-log?type=chat.memory.*&take=100')).body.map((e: { type: string }) => e.type);
    expect(events.filter((e: string) => e === 'chat.memory.created')).toHaveLength(3);
    expect(events.filter((e: string) => e === 'chat.memory.deleted')).toHaveLength(2);

    // Another org's key answers as for a missing chat; deleting the chat deletes its memories.
    const other = await seedOrg(server);
    expect((await client(server, other.key).get(`/orgs/c/chats/${chat}/memories`)).status).toBe(404);
    expect((await client(server, other.key).get(`/orgs/${t.orgId}/chats/${chat}/memories`)).status).toBe(404);
    expect((await client(server, other.key).del(`/orgs/c/chats/${chat}/memories`)).status).toBe(404);
    expect((await api.del(`/chats/${chat}`)).status).toBe(200);
    expect((await memoriesOf(chat)).status).toBe(404);
    const left = (await server.deps.database.db.execute(sql`select count(*)::int as n from chat_memories where chat_id = ${chat}`)) as unknown as { rows: Array<{ n: number }> };
    expect(left.rows[0]!.n).toBe(0);
  });

  it("summarises with the assistant's vendor model, and puts the summary in the prompt when old turns no longer fit", async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = (await api.post('/orgs/c/assistants', { name: 'Vendor memo', config: { model: 'openai-compatible/llama3', conversation: { enable_memories: true } } })).body;
    const long = (n: number) => `Message ${n}: ${'my order 1042 is late and I would like to know where it is now. '.repeat(8)}`;
    let chat: string | undefined;
    for (let i = 0; i < 5; i++) {
      const res = await api.post(`/api/agents/${bot.id}/invoke`, { message: long(i), chat_id: chat });
      expect(res.status, res.text).toBe(200);
      chat = res.body.chat_id;
    }
    fake.enqueue({ kind: 'text', text: '```json\n{"summary": "Dana asked five times about late order 1042.", "key_points": ["Order 1042 is late"]}\n```', usage: { input: 300, output: 30 } });
    const memory = await until('the memory', async () => (await api.get(`/orgs/c/chats/${chat}/memories`)).body[0]);
    expect(memory).toMatchObject({ summary: 'Dana asked five times about late order 1042.', key_points: ['Order 1042 is late'], model: 'openai-compatible/llama3', message_count: 10 });
    const asked = fake.requests.find((r) => JSON.stringify(r.body.messages).includes('conversation-summary'))!;
    expect(asked).toBeDefined();
    expect(JSON.stringify(asked.body.messages)).toContain('Customer: Message 0:');
    // The summary's model call is in the org's usage (and so its budget), with the vendor's figures.
    const usage = (await api.get('/orgs/c/usage?group_by=assistant')).body;
    expect(usage.totals).toMatchObject({ requests: 6 });
    const runtimeTokens = usage.totals.total_tokens - 330;
    expect(runtimeTokens).toBeGreaterThan(0);
    expect(usage.totals.prompt_tokens).toBeGreaterThanOrEqual(300);

    // The history (10 long turns) no longer fits a 700-token window: the summary stands in for what is dropped.
    const before = fake.requests.length;
    const res = await api.post(`/api/agents/${bot.id}/invoke`, { message: 'Any news?', chat_id: chat });
    expect(res.status, res.text).toBe(200);
    const sent = fake.requests.slice(before).at(-1)!.body.messages as Array<{ role: string; content: string }>;
    const systems = sent.filter((m) => m.role === 'system').map((m) => m.content);
    expect(systems.some((c) => c.includes('<conversation_summary>') && c.includes('Dana asked five times about late order 1042.'))).toBe(true);
    expect(sent.filter((m) => m.role === 'user').length).toBeLessThan(6);
    expect(sent.at(-1)).toMatchObject({ role: 'user', content: 'Any news?' });
  });
});
