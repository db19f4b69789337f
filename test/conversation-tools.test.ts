import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asksForHuman } from '../src/features/chats/index.ts';
import { startFakeAnthropic, type FakeAnthropic } from './fakes/anthropic-fake.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { client, seedOrg, signedInMember, startServer, type Tenant, type TestServer } from './harness.ts';
import { readSse } from './sse-client.ts';

type Part = { type: string; text?: string; tool_name?: string; input?: unknown; output?: unknown; is_error?: boolean };
type Msg = { role: string; author: string; parts: Part[] };
const lines = (messages: Msg[]) =>
  messages.map((m) => (m.role === 'tool' ? `tool: ${m.parts[0]!.tool_name}` : `${m.role}: ${m.parts.map((p) => p.text ?? '').join('')}`));
const toolNames = (body: { tools?: Array<{ function: { name: string } }> }) => (body.tools ?? []).map((t) => t.function.name);

const ALL_TOOLS = {
  enable_transfer_to_human_tool: true,
  enable_end_conversation_tool: true,
  enable_block_contact_tool: true,
  enable_update_contact_tool: true,
};

describe('built-in conversation tools (tool loop over the fake OpenAI wire)', () => {
  let server: TestServer;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    server = await startServer({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: 'local',
      PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
      PARLEY_LLM_MAX_RETRIES: '0',
    });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  async function assistant(t: Tenant, conversation: object, model = 'openai/gpt-4o-mini') {
    const res = await client(server, t.key).post('/orgs/c/assistants', { name: 'Support', config: { model, instructions: 'Be brief.', conversation } });
    expect(res.status, res.text).toBe(200);
    return res.body.id as string;
  }

  /** A contact with a CUSTOM channel, and a chat it opened with the assistant (the model answers it). */
  async function contactChat(t: Tenant, assistantId: string, text: string) {
    const api = client(server, t.key);
    const contact = await api.post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: `+3361234${Math.floor(Math.random() * 1e4)}` } });
    expect(contact.status, contact.text).toBe(200);
    const chat = await api.post(`/orgs/c/contacts/${contact.body.id}/channels/${contact.body.channels[0].id}/chats`, {
      assistant_id: assistantId,
      message: [{ type: 'text', text }],
    });
    expect(chat.status, chat.text).toBe(200);
    return { contactId: contact.body.id as string, chatId: chat.body.id as string };
  }

  it('transfer_to_human through invoke: the tool result goes back to the model, the chat goes to the ACTIVE agent, and the AI stops', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const id = await assistant(t, { enable_transfer_to_human_tool: true });
    const message = 'I have been charged twice and this is going nowhere.';
    expect(asksForHuman(message)).toBe(false); // the phrase check does not catch it: the model decides

    fake.enqueue(
      { kind: 'tool_call', name: 'transfer_to_human', args: { reason: 'double charge' }, id: 'call_transfer_1', usage: { input: 50, output: 12 } },
      { kind: 'text', text: 'A member of our team will reply here shortly.', usage: { input: 80, output: 10 } },
    );
    const res = await api.post(`/api/agents/${id}/invoke`, { message });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      response: 'A member of our team will reply here shortly.',
      usage: { prompt_tokens: 130, completion_tokens: 22, total_tokens: 152 },
      handover: { state: 'ASSIGNED', assigned_member: { id: agent.memberId, name: 'A AGENT' } },
    });

    // The first request offered the tool (JSON schema from zod); the second carried the call and its result.
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests.map((r) => r.body);
    expect(first.tools).toEqual([
      {
        type: 'function',
        function: expect.objectContaining({ name: 'transfer_to_human', parameters: expect.objectContaining({ type: 'object', properties: { reason: expect.objectContaining({ type: 'string', maxLength: 500 }) } }) }),
      },
    ]);
    expect(first.tool_choice).toBe('auto');
    // Text the model reads (knowledge, earlier messages) must not drive a tool call: the system prompt says so.
    expect(first.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('<tools>') });
    const turns = second.messages.slice(-3);
    expect(turns[0]).toEqual({ role: 'user', content: message });
    expect(turns[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_transfer_1', type: 'function', function: { name: 'transfer_to_human', arguments: '{"reason":"double charge"}' } }] });
    expect(turns[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_transfer_1' });
    expect(turns[2].content).toMatch(/^Done: the conversation goes to a person/);

    const chat = await api.get(`/chats/${res.body.chat_id}`);
    expect(chat.body.state).toMatchObject({ ai_enabled: false, handover: 'ASSIGNED', assigned_member: { id: agent.memberId } });
    expect(chat.body.messages_count).toBe(5);
    const thread = await api.get(`/chats/${res.body.chat_id}/messages?take=100`);
    expect(lines(thread.body)).toEqual([
      `user: ${message}`,
      'tool: transfer_to_human',
      'assistant: A member of our team will reply here shortly.',
      'event: Handed to a person by the assistant',
      'event: Assigned to A AGENT',
    ]);
    const tool = thread.body[1];
    expect(tool).toMatchObject({ role: 'tool', author: 'assistant', model: 'openai/gpt-4o-mini', usage: null });
    expect(tool.parts).toEqual([
      { type: 'tool-call', tool_call_id: 'call_transfer_1', tool_name: 'transfer_to_human', input: { reason: 'double charge' } },
      { type: 'tool-result', tool_call_id: 'call_transfer_1', tool_name: 'transfer_to_human', output: expect.stringMatching(/^Done/), is_error: false },
    ]);
    expect(thread.body[2].usage).toEqual({ input_tokens: 130, output_tokens: 22, total_tokens: 152 });

    // The inbox's last message is the reply, not the tool line; the next message is not sent to the model.
    const inbox = await api.get('/orgs/c/inbox');
    expect(inbox.body[0].last_message).toMatchObject({ role: 'assistant' });
    const next = await api.post(`/api/agents/${id}/invoke`, { message: 'Hello?', chat_id: res.body.chat_id });
    expect(next.body).toMatchObject({ response: '', usage: { total_tokens: 0 }, handover: { state: 'ASSIGNED' } });
    expect(fake.requests).toHaveLength(2);

    // The tool turn is not part of the history a later model call sees (only customer and assistant turns).
    await client(server, t.key).patch(`/chats/${res.body.chat_id}/state`, { ai_enabled: true });
    fake.enqueue({ kind: 'text', text: 'Back again.' });
    await api.post(`/api/agents/${id}/invoke`, { message: 'Still there?', chat_id: res.body.chat_id });
    const roles = fake.requests.at(-1)!.body.messages.map((m: { role: string }) => m.role);
    expect(roles).not.toContain('tool');
  });

  it('transfer_to_human through the stream (OpenAI-compatible SSE tool-call fragments): tokens of both steps, done carries the handover', async () => {
    const t = await seedOrg(server); // no member works this inbox: the chat waits
    const api = client(server, t.key);
    const id = await assistant(t, { enable_transfer_to_human_tool: true }, 'openai-compatible/llama3');
    fake.enqueue(
      { kind: 'tool_call', name: 'transfer_to_human', args: { reason: 'refund over the limit' }, text: 'One moment.', usage: { input: 40, output: 8 } },
      { kind: 'text', text: 'Someone from the team will answer here.', usage: { input: 60, output: 9 } },
    );
    const res = await fetch(`${server.url}/api/agents/${id}/invoke/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'My refund of 900 euros was refused.' }),
    });
    const events = await readSse(res);
    expect(events[0].type).toBe('metadata');
    const done = events.at(-1);
    expect(done.type).toBe('done');
    const tokens = events.filter((e) => e.type === 'token').map((e) => e.content).join('');
    expect(tokens).toBe('One moment.\n\nSomeone from the team will answer here.');
    expect(done.data).toMatchObject({
      response: tokens,
      usage: { prompt_tokens: 100, completion_tokens: 17, total_tokens: 117 },
      handover: { state: 'WAITING', assigned_member: null },
    });
    // The SSE stream's fragments were assembled into one call, sent back with its result.
    expect(fake.requests[0]!.body.stream).toBe(true);
    const second = fake.requests[1]!.body.messages;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', content: 'One moment.', tool_calls: [{ function: { name: 'transfer_to_human', arguments: '{"reason":"refund over the limit"}' } }] });
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: second.at(-2).tool_calls[0].id });

    const chat = await api.get(`/chats/${done.data.chat_id}`);
    expect(chat.body.state).toMatchObject({ ai_enabled: false, handover: 'WAITING', assigned_member: null });
    const again = await readSse(
      await fetch(`${server.url}/api/agents/${id}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Anyone?', chat_id: done.data.chat_id }),
      }),
    );
    expect(again.map((e) => e.type)).toEqual(['metadata', 'done']);
    expect(again.at(-1).data.handover).toEqual({ state: 'WAITING', assigned_member: null });
    expect(fake.requests).toHaveLength(2);
  });

  it('a transfer with no text still tells the customer (the notice of the phrase check)', async () => {
    const t = await seedOrg(server);
    const id = await assistant(t, { enable_transfer_to_human_tool: true });
    fake.enqueue({ kind: 'tool_call', name: 'transfer_to_human', args: {} }, { kind: 'text', text: '' });
    const res = await client(server, t.key).post(`/api/agents/${id}/invoke`, { message: 'This is useless.' });
    expect(res.body.response).toMatch(/^I'm connecting you with a member of our team/);
    expect(res.body.handover).toEqual({ state: 'WAITING', assigned_member: null });
  });

  it('handover_when_unanswered offers the transfer tool (even with its own flag off), to use when the knowledge does not answer', async () => {
    const t = await seedOrg(server);
    const id = await assistant(t, { handover_when_unanswered: true });
    fake.enqueue({ kind: 'tool_call', name: 'transfer_to_human', args: { reason: 'not in the knowledge' } }, { kind: 'text', text: "I don't have that answer; a member of our team will reply here." });
    const res = await client(server, t.key).post(`/api/agents/${id}/invoke`, { message: 'Do you repair carbon frames?' });
    expect(res.status, res.text).toBe(200);
    const offered = fake.requests[0]!.body.tools as Array<{ function: { name: string; description: string } }>;
    expect(offered.map((x) => x.function.name)).toEqual(['transfer_to_human']);
    expect(offered[0]!.function.description).toMatch(/whenever the knowledge and instructions do not answer/);
    expect(res.body.handover).toEqual({ state: 'WAITING', assigned_member: null });
    expect((await client(server, t.key).get(`/chats/${res.body.chat_id}`)).body.state.ai_enabled).toBe(false);
  });

  it('end_conversation resolves the chat with an event line; the customer writing again reopens it', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const id = await assistant(t, { enable_end_conversation_tool: true });
    fake.enqueue({ kind: 'tool_call', name: 'end_conversation', args: {} }, { kind: 'text', text: 'Glad I could help. Goodbye!' });
    const res = await api.post(`/api/agents/${id}/invoke`, { message: 'That was all, thanks, bye!' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.handover).toBeUndefined();
    expect(toolNames(fake.requests[0]!.body)).toEqual(['end_conversation']);
    const chat = await api.get(`/chats/${res.body.chat_id}`);
    expect(chat.body.state).toMatchObject({ state: 'CLOSED', ai_enabled: true, admin_unseen_count: 0 });
    expect(chat.body.state.resolved_at).not.toBeNull();
    const thread = await api.get(`/chats/${res.body.chat_id}/messages`);
    expect(lines(thread.body)).toEqual([
      'user: That was all, thanks, bye!',
      'tool: end_conversation',
      'assistant: Glad I could help. Goodbye!',
      'event: Resolved by the assistant: the conversation ended',
    ]);

    fake.enqueue({ kind: 'text', text: 'Welcome back.' });
    await api.post(`/api/agents/${id}/invoke`, { message: 'Oh, one more thing', chat_id: res.body.chat_id });
    expect((await api.get(`/chats/${res.body.chat_id}`)).body.state).toMatchObject({ state: 'OPEN', resolved_at: null });
  });

  it("block_contact blocks the chat's contact (offered only when the chat has one); its next message is refused", async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const id = await assistant(t, ALL_TOOLS);

    // A runtime call with no contact: the contact tools are not offered.
    fake.enqueue({ kind: 'text', text: 'Hello.' });
    await api.post(`/api/agents/${id}/invoke`, { message: 'Hi' });
    expect(toolNames(fake.requests[0]!.body).sort()).toEqual(['end_conversation', 'transfer_to_human']);

    fake.enqueue({ kind: 'tool_call', name: 'block_contact', args: { reason: 'threats' } }, { kind: 'text', text: 'This conversation is over.' });
    const { contactId, chatId } = await contactChat(t, id, 'Answer me or I will find you.');
    expect(toolNames(fake.requests[1]!.body).sort()).toEqual(['block_contact', 'end_conversation', 'transfer_to_human', 'update_contact']);
    const contact = await api.get(`/orgs/c/contacts/${contactId}`);
    expect(contact.body).toMatchObject({ blocked: true });
    expect(contact.body.blocked_at).not.toBeNull();
    const thread = await api.get(`/chats/${chatId}/messages`);
    expect(lines(thread.body)).toEqual(['user: Answer me or I will find you.', 'tool: block_contact', 'assistant: This conversation is over.']);
    const more = await api.post(`/orgs/c/contacts/${contactId}/chats/${chatId}/messages`, { message: [{ type: 'text', text: 'Hello?' }] });
    expect(more.status).toBe(403);
  });

  it('update_contact: an invalid email is an error result for the model and changes nothing; valid details are saved', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const id = await assistant(t, { enable_update_contact_tool: true });
    fake.enqueue(
      { kind: 'tool_call', name: 'update_contact', args: { name: 'Ada King', email: 'ada at example' }, id: 'call_bad' },
      { kind: 'text', text: 'Could you check your email address?' },
    );
    const { contactId, chatId } = await contactChat(t, id, 'I am Ada King, ada at example');
    const result = fake.requests[1]!.body.messages.at(-1);
    expect(result).toMatchObject({ role: 'tool', tool_call_id: 'call_bad' });
    expect(result.content).toMatch(/^Error: invalid input/);
    expect(result.content).toMatch(/email/);
    const unchanged = await api.get(`/orgs/c/contacts/${contactId}`);
    expect(unchanged.body).toMatchObject({ name: 'Ada', channels: [{ email: null, phone: null }] });
    const tool = (await api.get(`/chats/${chatId}/messages`)).body.find((m: Msg) => m.role === 'tool');
    expect(tool.parts[1]).toMatchObject({ type: 'tool-result', is_error: true });

    fake.enqueue(
      { kind: 'tool_call', name: 'update_contact', args: { name: 'Ada King', email: 'ada@example.com', phone: '+33 6 12 34 56 78' } },
      { kind: 'text', text: 'Thanks, saved.' },
    );
    await api.post(`/orgs/c/contacts/${contactId}/chats/${chatId}/messages`, { message: [{ type: 'text', text: 'Sorry: ada@example.com, +33 6 12 34 56 78' }] });
    const saved = await api.get(`/orgs/c/contacts/${contactId}`);
    expect(saved.body).toMatchObject({ name: 'Ada King', channels: [{ email: 'ada@example.com', phone: '+33 6 12 34 56 78' }] });
  });

  it('offers no tools when the flags are off, and none to the built-in model', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const plain = await assistant(t, {});
    fake.enqueue({ kind: 'text', text: 'Hi.' });
    await api.post(`/api/agents/${plain}/invoke`, { message: 'Hello' });
    expect(fake.requests[0]!.body.tools).toBeUndefined();
    expect(fake.requests[0]!.body.tool_choice).toBeUndefined();
    expect(fake.requests[0]!.body.messages[0].content).not.toContain('<tools>');
    await readSse(
      await fetch(`${server.url}/api/agents/${plain}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello again' }),
      }),
    );
    expect(fake.requests[1]!.body.tools).toBeUndefined();

    const builtin = await assistant(t, ALL_TOOLS, 'builtin/extractive');
    const res = await api.post(`/api/agents/${builtin}/invoke`, { message: 'Hello' });
    expect(res.status).toBe(200);
    expect(fake.requests).toHaveLength(2);
  });

  it('stops the loop after maxSteps model calls, answers unknown tools with an error, and sums usage over the steps', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const id = await assistant(t, { enable_end_conversation_tool: true });
    for (let i = 0; i < 5; i++) fake.enqueue({ kind: 'tool_call', name: 'lookup_order', args: { order: 1042 }, text: i === 0 ? 'Checking.' : undefined, usage: { input: 10, output: 3 } });
    const res = await api.post(`/api/agents/${id}/invoke`, { message: 'Where is order 1042?' });
    expect(res.status, res.text).toBe(200);
    expect(fake.requests).toHaveLength(4); // DEFAULT_MAX_STEPS
    expect(fake.pending).toBe(1);
    expect(res.body).toMatchObject({ response: 'Checking.', usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } });
    const result = fake.requests[1]!.body.messages.at(-1);
    expect(result).toMatchObject({ role: 'tool', content: 'Error: there is no tool named "lookup_order". Tools: end_conversation.' });
    const thread = await api.get(`/chats/${res.body.chat_id}/messages`);
    expect(lines(thread.body)).toEqual(['user: Where is order 1042?', ...Array(4).fill('tool: lookup_order'), 'assistant: Checking.']);
    expect(thread.body.filter((m: Msg) => m.role === 'tool').every((m: Msg) => m.parts[1]!.is_error)).toBe(true);
    const usage = await api.get('/orgs/c/usage');
    expect(usage.body.totals).toMatchObject({ requests: 1, prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 });
  });
});

describe('built-in conversation tools over the fake Anthropic Messages wire', () => {
  let server: TestServer;
  let fake: FakeAnthropic;
  beforeAll(async () => {
    fake = await startFakeAnthropic();
    server = await startServer({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fake.url, PARLEY_LLM_MAX_RETRIES: '0' });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('transfer_to_human through invoke and the stream: tools offered as input_schema, the call answered with a tool_result, the chat handed over', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const created = await api.post('/orgs/c/assistants', {
      name: 'Support',
      config: { model: 'anthropic/claude-haiku-4-5', instructions: 'Be brief.', conversation: { enable_transfer_to_human_tool: true } },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.body.id as string;

    fake.enqueue(
      { kind: 'tool_call', name: 'transfer_to_human', args: { reason: 'double charge' }, id: 'toolu_transfer_1', usage: { input: 50, output: 12 } },
      { kind: 'text', text: 'A member of our team will reply here shortly.', usage: { input: 80, output: 10 } },
    );
    const res = await api.post(`/api/agents/${id}/invoke`, { message: 'I have been charged twice and this is going nowhere.' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      response: 'A member of our team will reply here shortly.',
      usage: { prompt_tokens: 130, completion_tokens: 22, total_tokens: 152 },
      handover: { state: 'ASSIGNED', assigned_member: { id: agent.memberId } },
    });
    const [first, second] = fake.requests.map((r) => r.body);
    expect(first.tools).toEqual([
      expect.objectContaining({ name: 'transfer_to_human', input_schema: expect.objectContaining({ type: 'object', properties: { reason: expect.objectContaining({ type: 'string' }) } }) }),
    ]);
    expect(first.system).toEqual(expect.anything());
    const [call, result] = second.messages.slice(-2);
    expect(call).toMatchObject({ role: 'assistant', content: [expect.objectContaining({ type: 'tool_use', id: 'toolu_transfer_1', name: 'transfer_to_human', input: { reason: 'double charge' } })] });
    expect(result).toMatchObject({ role: 'user', content: [expect.objectContaining({ type: 'tool_result', tool_use_id: 'toolu_transfer_1' })] });
    const thread = await api.get(`/chats/${res.body.chat_id}/messages?take=100`);
    expect(thread.body.map((m: { role: string }) => m.role)).toEqual(['user', 'tool', 'assistant', 'event', 'event']);

    // The same through the stream: the tool_use block's input arrives as input_json_delta fragments.
    const t2 = await seedOrg(server);
    await signedInMember(server, t2, 'AGENT');
    const bot2 = await client(server, t2.key).post('/orgs/c/assistants', {
      name: 'Support',
      config: { model: 'anthropic/claude-haiku-4-5', conversation: { enable_transfer_to_human_tool: true } },
    });
    fake.enqueue(
      { kind: 'tool_call', name: 'transfer_to_human', args: { reason: 'refund over the limit' }, text: 'One moment.', usage: { input: 40, output: 8 } },
      { kind: 'text', text: 'Someone from the team will take it from here.', usage: { input: 60, output: 9 } },
    );
    const streamed = await readSse(
      await fetch(`${server.url}/api/agents/${bot2.body.id}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t2.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'I want my money back now' }),
      }),
    );
    const done = streamed.at(-1);
    expect(done.type).toBe('done');
    // Both steps' text, a paragraph apart, as over the OpenAI wire.
    const tokens = streamed.filter((e) => e.type === 'token').map((e) => e.content).join('');
    expect(tokens).toBe('One moment.\n\nSomeone from the team will take it from here.');
    expect(done.data).toMatchObject({ response: tokens, usage: { prompt_tokens: 100, completion_tokens: 17 }, handover: { state: 'ASSIGNED' } });
    const replay = fake.requests.at(-1)!.body.messages.at(-2);
    expect(replay.content).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'tool_use', name: 'transfer_to_human', input: { reason: 'refund over the limit' } })]));
  });
});
