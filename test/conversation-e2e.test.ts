import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFakeOpenAI, type FakeOpenAI } from './fakes/openai-fake.ts';
import { startReceiver, verify, type Receiver } from './fakes/webhook-receiver.ts';
import { call, client, ENGINE, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';
import { followSse } from './live-client.ts';

/**
 * The whole support journey over real HTTP, a real WebSocket and a real webhook receiver: a contact writes on a custom
 * channel, the assistant answers, the contact asks for a person, the agent replies (and the contact's transport gets it
 * by webhook), hands back, resolves, and the chat reopens when the contact writes again.
 */
describe(`a conversation from a custom channel to a person and back (${ENGINE})`, () => {
  let server: TestServer;
  let fake: FakeOpenAI;
  let rx: Receiver;
  // Live connections a failed assertion would leave open (they would hold the server's close).
  const cleanups: Array<() => unknown> = [];
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    rx = await startReceiver();
    server = await startServer({
      OPENAI_COMPATIBLE_BASE_URL: fake.url,
      OPENAI_COMPATIBLE_API_KEY: 'local',
      PARLEY_LLM_MAX_RETRIES: '0',
      PARLEY_EGRESS_ALLOW: '127.0.0.1/32',
      PARLEY_WEBHOOK_POLL_MS: '50',
      PARLEY_EVENTS_POLL_MS: '50',
    });
  });
  afterAll(async () => {
    for (const c of cleanups) await c();
    await server?.close();
    await rx?.close();
    await fake?.close();
  });

  it('goes from the assistant to the agent and back, seen live by the inbox and delivered to the transport by webhook', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const bot = await api.post('/orgs/c/assistants', {
      name: 'Support',
      config: { model: 'openai-compatible/llama3', conversation: { enable_transfer_to_human_tool: true } },
    });
    const hook = await api.post('/orgs/c/webhooks', { url: rx.url, event_types: ['message.created'], description: 'WhatsApp bridge' });
    expect(hook.status, hook.text).toBe(200);

    // The inbox, live: SSE with the admin key, a WebSocket with the agent's session.
    const sse = await followSse(server, t.key);
    cleanups.push(() => sse.close());
    const wsFrames: Array<{ type: string; data: Record<string, unknown> }> = [];
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/orgs/c/inbox/ws`, { headers: { cookie: agent.cookie } });
      ws.on('message', (m) => wsFrames.push(JSON.parse(String(m))));
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    });
    cleanups.push(() => socket.terminate());

    // 1. The contact writes on their custom channel; the assistant answers.
    const contact = await api.post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'wa:+33612345678', phone: '+33612345678' } });
    expect(contact.status, contact.text).toBe(200);
    const channelId = contact.body.channels[0].id;
    fake.enqueue({ kind: 'text', text: 'Your order 1042 left our warehouse today.', usage: { input: 20, output: 9 } });
    const opened = await api.post(`/orgs/c/contacts/${contact.body.id}/channels/${channelId}/chats`, {
      assistant_id: bot.body.id,
      message: [{ type: 'text', text: 'Where is my order 1042?' }],
    });
    expect(opened.status, opened.text).toBe(200);
    const chatId = opened.body.id;
    expect(opened.body).toMatchObject({ contact_id: contact.body.id, assistant_id: bot.body.id, state: { state: 'OPEN', ai_enabled: true } });
    const asContact = (text: string) => api.post(`/orgs/c/contacts/${contact.body.id}/chats/${chatId}/messages`, { message: [{ type: 'text', text }], channel_id: channelId });
    // The assistant's reply leaves through the webhook, signed.
    let got = await rx.until((r) => r.some((x) => x.json.data.message?.role === 'assistant'));
    const first = got.find((x) => x.json.data.message?.role === 'assistant')!;
    expect(verify(hook.body.secret, first)).toMatchObject({ type: 'message.created', data: { chat_id: chatId } });
    expect(first.json.data.message.parts[0].text).toBe('Your order 1042 left our warehouse today.');

    // 2. The contact asks for a person: no model call, handed over and assigned to the only ACTIVE agent.
    const calls = fake.requests.length;
    const ask = await asContact('Can I speak with a real person?');
    expect(ask.status, ask.text).toBe(200);
    expect(ask.body).toMatchObject({ role: 'user', author: 'customer' });
    expect(fake.requests.length).toBe(calls);
    const waiting = await api.get(`/chats/${chatId}`);
    expect(waiting.body.state).toMatchObject({ ai_enabled: false, handover: 'ASSIGNED', assigned_member: { id: agent.memberId } });
    const handedOver = (f: { type: string; data: Record<string, unknown> }) =>
      f.type === 'chat.updated' && (f.data.changed as string[]).includes('ai_enabled');
    await sse.until((f) => f.some((x) => handedOver(x.data)));
    for (let deadline = Date.now() + 10_000; !wsFrames.some(handedOver) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    expect(wsFrames.some(handedOver)).toBe(true);
    expect((await call(server, 'GET', '/orgs/c/inbox?filter=mine', { headers: agent.headers })).body.map((c: { id: string }) => c.id)).toEqual([chatId]);

    // 3. The agent replies: the transport gets it by webhook, verified with the official library.
    const reply = await call(server, 'POST', `/chats/${chatId}/messages`, {
      headers: agent.headers,
      json: { message: [{ type: 'text', text: 'Hi Ada, I am Ana. It arrives on Friday.' }] },
    });
    expect(reply.status, reply.text).toBe(200);
    got = await rx.until((r) => r.some((x) => x.json.data.message?.id === reply.body.id));
    const human = got.find((x) => x.json.data.message?.id === reply.body.id)!;
    expect(verify(hook.body.secret, human).data.message).toMatchObject({ role: 'assistant', author: 'member', member: { id: agent.memberId } });
    await sse.until((f) => f.some((x) => x.event === 'message.created' && x.data.data.message_id === reply.body.id));

    // 4. Handed back: the assistant answers with the person's words in its context.
    await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { ai_enabled: true } });
    fake.enqueue({ kind: 'text', text: 'Glad Ana could help. Anything else?', usage: { input: 60, output: 8 } });
    await asContact('Great, thanks');
    const context = JSON.stringify(fake.requests.at(-1)!.body.messages);
    expect(context).toContain('It arrives on Friday.');
    expect(context).toContain('Can I speak with a real person?');

    // 5. Resolved, then the contact writes again: the chat reopens (and the assistant answers it).
    await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { state: 'CLOSED' } });
    expect((await api.get(`/chats/${chatId}`)).body.state.state).toBe('CLOSED');
    fake.enqueue({ kind: 'text', text: 'Welcome back, Ada!', usage: { input: 70, output: 4 } });
    await asContact('Hello again');
    const reopened = await api.get(`/chats/${chatId}`);
    expect(reopened.body.state).toMatchObject({ state: 'OPEN', resolved_at: null });
    await sse.until((f) => f.some((x) => x.event === 'chat.updated' && (x.data.data.changed as string[]).includes('state') && x.data.created_at > reopened.body.state.handover_at));

    const thread = (await api.get(`/chats/${chatId}/messages?take=100`)).body.map((m: { role: string; parts: Array<{ text: string }> }) => `${m.role}: ${m.parts[0]!.text}`);
    expect(thread).toEqual([
      'user: Where is my order 1042?',
      'assistant: Your order 1042 left our warehouse today.',
      'user: Can I speak with a real person?',
      expect.stringMatching(/^assistant: I'm connecting you/),
      'event: Handed to a person: the customer asked for one',
      'event: Assigned to A AGENT',
      'assistant: Hi Ada, I am Ana. It arrives on Friday.',
      'event: Handed back to the assistant by A AGENT',
      'user: Great, thanks',
      'assistant: Glad Ana could help. Anything else?',
      'event: Resolved by A AGENT',
      'event: Reopened: the customer wrote again',
      'user: Hello again',
      'assistant: Welcome back, Ada!',
    ]);
    // Every reply to the contact went out by webhook, each id once.
    got = await rx.until((r) => r.filter((x) => x.json.data.message?.role === 'assistant').length >= 5);
    const ids = got.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    socket.close();
    await sse.close();
  });

  it('refuses a blocked contact, a chat of another contact and a channel that is not CUSTOM', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Builtin' });
    const ada = await api.post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'sms:1' } });
    const bob = await api.post('/orgs/c/contacts', { name: 'Bob', channel: { type: 'API', user_id: 'user-2' } });
    const open = (contact: { id: string; channels: Array<{ id: string }> }) =>
      api.post(`/orgs/c/contacts/${contact.id}/channels/${contact.channels[0]!.id}/chats`, { assistant_id: bot.body.id, message: [{ type: 'text', text: 'hi' }] });
    const chat = await open(ada.body);
    expect(chat.status, chat.text).toBe(200);
    const notCustom = await open(bob.body);
    expect(notCustom.status).toBe(400);
    expect(notCustom.body.message).toMatch(/CUSTOM/);
    const other = await api.post(`/orgs/c/contacts/${bob.body.id}/chats/${chat.body.id}/messages`, { message: [{ type: 'text', text: 'hi' }] });
    expect(other.status).toBe(404);
    await api.patch(`/orgs/c/contacts/${ada.body.id}`, { blocked: true });
    const blocked = await api.post(`/orgs/c/contacts/${ada.body.id}/chats/${chat.body.id}/messages`, { message: [{ type: 'text', text: 'hi' }] });
    expect(blocked.status).toBe(403);
    expect(blocked.body.message).toMatch(/blocked/);
  });
});
