import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { call, client, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';
import { readSse } from './sse-client.ts';

const texts = (messages: Array<{ role: string; parts: Array<{ text: string }> }>) => messages.map((m) => `${m.role}: ${m.parts.map((p) => p.text).join('')}`);

describe('chat state and human handover', () => {
  let server: TestServer;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    server = await startServer({ OPENAI_COMPATIBLE_BASE_URL: fake.url, OPENAI_COMPATIBLE_API_KEY: 'local', PARLEY_EGRESS_ALLOW: '127.0.0.1/32', PARLEY_LLM_MAX_RETRIES: '0' });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('hands a chat to a person when the customer asks, answers nothing while they work it, and takes it back', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const bot = await api.post('/orgs/c/assistants', {
      name: 'Support',
      config: { model: 'openai-compatible/llama3', conversation: { enable_transfer_to_human_tool: true } },
    });
    const invoke = (json: object) => api.post(`/api/agents/${bot.body.id}/invoke`, json);

    fake.enqueue({ kind: 'text', text: 'Our shop opens at 9.', usage: { input: 10, output: 6 } });
    const first = await invoke({ message: 'When do you open?' });
    expect(first.body.response).toBe('Our shop opens at 9.');
    expect(first.body.handover).toBeUndefined();
    const chatId = first.body.chat_id;
    const opened = await api.get(`/chats/${chatId}`);
    expect(opened.body.state).toMatchObject({ state: 'OPEN', ai_enabled: true, handover: null, admin_unseen_count: 1, assigned_member: null });

    // The customer asks for a person: no model call, a notice, the chat goes to the only ACTIVE inbox member.
    const calls = fake.requests.length;
    const ask = await invoke({ message: 'Can I talk to a human please?', chat_id: chatId });
    expect(ask.status).toBe(200);
    expect(ask.body.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(ask.body.response).toMatch(/member of our team/);
    expect(ask.body.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: agent.memberId, name: 'A AGENT' } });
    const waiting = await api.get(`/chats/${chatId}`);
    expect(waiting.body.state).toMatchObject({ ai_enabled: false, handover: 'ASSIGNED', assigned_member: { id: agent.memberId, email: agent.email } });

    // While a person handles it, the customer's messages are stored and answered with "" (no model call).
    const meanwhile = await invoke({ message: 'My order number is 1042', chat_id: chatId });
    expect(meanwhile.body).toMatchObject({ response: '', chat_id: chatId, handover: { state: 'ASSIGNED' } });
    const streamed = await readSse(
      await fetch(`${server.url}/api/agents/${bot.body.id}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello?', chat_id: chatId }),
      }),
    );
    expect(streamed.map((e: { type: string }) => e.type)).toEqual(['metadata', 'done']);
    expect(streamed.at(-1).data.handover).toMatchObject({ state: 'ASSIGNED' });
    expect(fake.requests.length).toBe(calls);

    // The agent replies (signed in) and leaves a note; the customer's side counts the reply as unseen.
    const reply = await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: [{ type: 'text', text: 'Hi, Ana here. Order 1042 ships tomorrow.' }] } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ role: 'assistant', author: 'member', member: { id: agent.memberId }, model: null });
    const note = await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: [{ type: 'text', text: 'Customer is a VIP' }], role: 'note' } });
    expect(note.body).toMatchObject({ role: 'note', author: 'member' });
    expect((await api.get(`/chats/${chatId}`)).body.state.user_unseen_count).toBe(1);

    // Handing back: the assistant answers again, with the person's reply (not the note) in its context.
    const back = await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { ai_enabled: true } });
    expect(back.body.state).toMatchObject({ ai_enabled: true, handover: null });
    fake.enqueue({ kind: 'text', text: 'Anything else I can help with?', usage: { input: 30, output: 7 } });
    const after = await invoke({ message: 'Thanks!', chat_id: chatId });
    expect(after.body.response).toBe('Anything else I can help with?');
    const sent = JSON.stringify(fake.requests.at(-1)!.body.messages);
    expect(sent).toContain('Order 1042 ships tomorrow');
    expect(sent).toContain('My order number is 1042');
    expect(sent).not.toContain('Customer is a VIP');

    // Resolved, then the customer writes again: the chat reopens.
    const resolved = await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { state: 'CLOSED', csat_score: 5 } });
    expect(resolved.body.state).toMatchObject({ state: 'CLOSED', csat_score: 5, admin_unseen_count: 0 });
    expect(resolved.body.state.resolved_at).not.toBeNull();
    fake.enqueue({ kind: 'text', text: 'Welcome back!', usage: { input: 40, output: 3 } });
    await invoke({ message: 'One more question', chat_id: chatId });
    const reopened = await api.get(`/chats/${chatId}`);
    expect(reopened.body.state).toMatchObject({ state: 'OPEN', resolved_at: null, admin_unseen_count: 1 });

    const thread = await api.get(`/chats/${chatId}/messages?take=100`);
    expect(texts(thread.body)).toEqual([
      'user: When do you open?',
      'assistant: Our shop opens at 9.',
      'user: Can I talk to a human please?',
      expect.stringMatching(/^assistant: I'm connecting you/),
      'event: Handed to a person: the customer asked for one',
      'event: Assigned to A AGENT',
      'user: My order number is 1042',
      'user: Hello?',
      'assistant: Hi, Ana here. Order 1042 ships tomorrow.',
      'note: Customer is a VIP',
      'event: Handed back to the assistant by A AGENT',
      'user: Thanks!',
      'assistant: Anything else I can help with?',
      'event: Resolved by A AGENT',
      'event: Reopened: the customer wrote again',
      'user: One more question',
      'assistant: Welcome back!',
    ]);
    expect(thread.headers.get('pagination-count')).toBe('17');
    expect((await api.get(`/chats/${chatId}`)).body.messages_count).toBe(17);
    const authors = thread.body.map((m: { author: string }) => m.author);
    expect(authors.slice(0, 4)).toEqual(['customer', 'assistant', 'customer', 'assistant']);
    expect(authors[4]).toBe('system');
  });

  it('hands over in French on the built-in model, to nobody when no member works the inbox, on a new chat', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Builtin' });
    const res = await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'Je voudrais parler à un humain' });
    expect(res.status).toBe(200);
    expect(res.body.response).toMatch(/équipe/);
    expect(res.body.handover).toEqual({ state: 'WAITING', assigned_member: null });
    const chat = await api.get(`/chats/${res.body.chat_id}`);
    expect(chat.body.state).toMatchObject({ ai_enabled: false, handover: 'WAITING', assigned_member: null });
    expect(chat.body.title).toBe('Je voudrais parler à un humain');
  });

  it('assigns, snoozes and reopens with checks, and keeps the customer\'s and the assistant\'s words as written', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const developer = await signedInMember(server, t, 'DEVELOPER');
    const bot = await api.post('/orgs/c/assistants', { name: 'Builtin' });
    const chatId = (await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hello' })).body.chat_id;

    const assigned = await api.patch(`/chats/${chatId}/state/assign`, { member_id: agent.memberId });
    expect(assigned.body).toMatchObject({ assigned_member: { id: agent.memberId, name: 'A AGENT' }, ai_enabled: true });
    const notInbox = await api.patch(`/chats/${chatId}/state/assign`, { member_id: developer.memberId });
    expect(notInbox.status).toBe(400);
    expect(notInbox.body.message).toMatch(/cannot work conversations/);
    expect((await api.patch(`/chats/${chatId}/state/assign`, { member_id: 'mem_doesnotexist000000000' })).status).toBe(400);
    expect((await api.patch(`/chats/${chatId}/state/assign`, { member_id: null })).body.assigned_member).toBeNull();

    expect((await api.patch(`/chats/${chatId}/state`, { state: 'SNOOZED' })).body.message).toBe('snoozed_until is required to snooze a chat');
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'SNOOZED', snoozed_until: 'tomorrow' })).status).toBe(400);
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'SNOOZED', snoozed_until: '2001-01-01T00:00:00Z' })).body.message).toBe('snoozed_until must be in the future');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await api.patch(`/chats/${chatId}/state`, { state: 'SNOOZED', snoozed_until: until });
    expect(snoozed.body.state).toMatchObject({ state: 'SNOOZED', snoozed_until: until });
    expect((await api.patch(`/chats/${chatId}/state`, { csat_score: 6 })).status).toBe(400);

    const unseen = await api.post(`/chats/${chatId}/state/seen`, {});
    expect(unseen.body).toMatchObject({ chat_id: chatId, admin_unseen_count: 0 });
    expect((await api.post(`/chats/${chatId}/state/unseen`, {})).body.admin_unseen_count).toBe(1);

    const thread = (await api.get(`/chats/${chatId}/messages`)).body;
    const customer = thread.find((m: { role: string }) => m.role === 'user');
    const edit = await api.patch(`/chats/${chatId}/messages/${customer.id}`, { message: [{ type: 'text', text: 'changed' }] });
    expect(edit.status).toBe(409);
    expect((await api.del(`/chats/${chatId}/messages/${customer.id}`)).status).toBe(409);
    const mine = await api.post(`/chats/${chatId}/messages`, { message: [{ type: 'text', text: 'typo' }], role: 'note' });
    expect(mine.body.author).toBe('team');
    expect((await api.patch(`/chats/${chatId}/messages/${mine.body.id}`, { message: [{ type: 'text', text: 'fixed' }] })).body.parts).toEqual([{ type: 'text', text: 'fixed' }]);
    expect((await api.get(`/chats/${chatId}/messages/${mine.body.id}`)).body.parts[0].text).toBe('fixed');
    expect((await api.del(`/chats/${chatId}/messages/${mine.body.id}`)).body).toEqual({ id: mine.body.id, deleted: true });
    expect((await api.get(`/chats/${chatId}/messages/${mine.body.id}`)).status).toBe(404);

    const later = (await api.get(`/chats/${chatId}/messages?from_date=${encodeURIComponent(until)}`)).body;
    expect(later).toEqual([]);
    expect((await api.get(`/chats/${chatId}/messages?from_date=yesterday`)).status).toBe(400);
  });

  it('lists the inbox by view, most recent first, with each chat\'s state, last message and the counts of every view', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const bot = await api.post('/orgs/c/assistants', { name: 'Builtin' });
    const say = async (message: string, chat_id?: string) => (await api.post(`/api/agents/${bot.body.id}/invoke`, { message, chat_id })).body.chat_id as string;
    const resolvedChat = await say('first question');
    await api.patch(`/chats/${resolvedChat}/state`, { state: 'CLOSED' });
    const aiChat = await say('second question');
    const humanChat = await say('I want to speak with a real person');
    const asAgent = (path: string) => call(server, 'GET', path, { headers: agent.headers });

    const counts = await api.get('/orgs/c/inbox/counts');
    expect(counts.body).toEqual({ all: 3, unread: 2, unresolved: 2, resolved: 1, waiting: 0, mine: 0, unassigned: 1, snoozed: 0 });
    expect((await asAgent('/orgs/c/inbox/counts')).body.mine).toBe(1);

    const unresolved = await api.get('/orgs/c/inbox');
    expect(unresolved.headers.get('pagination-count')).toBe('2');
    expect(unresolved.body.map((c: { id: string }) => c.id)).toEqual([humanChat, aiChat]);
    expect(unresolved.body[0].state).toMatchObject({ handover: 'ASSIGNED', assigned_member: { id: agent.memberId } });
    expect(unresolved.body[0].last_message).toMatchObject({ role: 'assistant', text: expect.stringMatching(/^I'm connecting you/) });
    expect((await api.get('/orgs/c/inbox?filter=resolved')).body.map((c: { id: string }) => c.id)).toEqual([resolvedChat]);
    expect((await asAgent('/orgs/c/inbox?filter=mine')).body.map((c: { id: string }) => c.id)).toEqual([humanChat]);
    const mineByKey = await api.get('/orgs/c/inbox?filter=mine');
    expect(mineByKey.status).toBe(400);
    expect(mineByKey.body.message).toMatch(/signed-in member/);

    await api.patch(`/chats/${humanChat}/state/assign`, { member_id: null });
    expect((await api.get('/orgs/c/inbox?filter=waiting')).body.map((c: { id: string }) => c.id)).toEqual([humanChat]);
    expect((await api.get(`/orgs/c/inbox/counts?assistant_id=${bot.body.id}`)).body).toMatchObject({ waiting: 1, mine: 0 });
    expect((await api.get('/orgs/c/inbox/counts?assistant_id=ast_nobody000000000000000')).body.all).toBe(0);
    expect((await api.get('/orgs/c/inbox?filter=everything')).status).toBe(400);
  });
});
