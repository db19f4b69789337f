import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, settled, signedInMember, startServer, type TestServer } from './harness.ts';
import { followSse } from './live-client.ts';
import { readSse } from './sse-client.ts';

const texts = (messages: Array<{ role: string; parts: Array<{ text: string }> }>) => messages.map((m) => `${m.role}: ${m.parts.map((p) => p.text).join('')}`);
const say = (text: string) => [{ type: 'text', text }];

/** Where conversations go: channels in the inbox, the newest chat of a contact, who takes handovers, and no-answer handover. */
describe('conversation routing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('records the channel of each chat and filters the inbox and its counts by it', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Support' });
    const viaApi = await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hello' });
    const contact = await api.post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'sms:+33600000001' } });
    const channelId = contact.body.channels[0].id;
    const viaCustom = await api.post(`/orgs/c/contacts/${contact.body.id}/channels/${channelId}/chats`, { assistant_id: bot.body.id, message: say('hi there') });
    expect(viaCustom.status, viaCustom.text).toBe(200);
    expect(viaCustom.body.channel).toEqual({ type: 'CUSTOM', id: channelId });
    expect((await api.get(`/chats/${viaApi.body.chat_id}`)).body.channel).toEqual({ type: 'API', id: null });

    const custom = await api.get('/orgs/c/inbox?filter=all&channel=CUSTOM');
    expect(custom.body.map((c: { id: string }) => c.id)).toEqual([viaCustom.body.id]);
    const apiOnly = await api.get('/orgs/c/inbox?filter=all&channel=API');
    expect(apiOnly.body.map((c: { id: string }) => c.id)).toEqual([viaApi.body.chat_id]);
    expect((await api.get('/orgs/c/inbox?filter=all&channel=WEB')).body).toEqual([]);
    expect((await api.get('/orgs/c/inbox/counts?channel=CUSTOM')).body).toMatchObject({ all: 1, unresolved: 1 });
    expect((await api.get('/orgs/c/inbox/counts')).body).toMatchObject({ all: 2 });
    const bad = await api.get('/orgs/c/inbox?channel=FAX');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/channel/);
  });

  it("lists one contact's chats in the inbox (contact_id), for a contact panel's previous conversations", async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Support' });
    const ada = await api.post('/orgs/c/contacts', { name: 'Ada', channel: { type: 'CUSTOM', user_id: 'sms:+33600000002' } });
    // No name: the list gives their email and phone to show instead.
    const bo = await api.post('/orgs/c/contacts', { channel: { type: 'CUSTOM', user_id: 'sms:+33600000003', email: 'bo@example.com', phone: '+33600000003' } });
    expect(bo.status, bo.text).toBe(200);
    const open = (c: { body: { id: string; channels: Array<{ id: string }> } }) =>
      api.post(`/orgs/c/contacts/${c.body.id}/channels/${c.body.channels[0]!.id}/chats`, { assistant_id: bot.body.id, message: say('hello') });
    const first = await open(ada);
    await api.patch(`/chats/${first.body.id}/state`, { state: 'CLOSED' });
    const second = await open(ada);
    await open(bo);
    await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'no contact' });

    const list = await api.get(`/orgs/c/inbox?filter=all&contact_id=${ada.body.id}`);
    expect(list.status, list.text).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([second.body.id, first.body.id]);
    expect(list.headers.get('pagination-count')).toBe('2');
    expect(list.body[0].contact).toEqual({ id: ada.body.id, name: 'Ada', email: null, phone: null });
    const boList = await api.get(`/orgs/c/inbox?filter=all&contact_id=${bo.body.id}`);
    expect(boList.body[0].contact).toEqual({ id: bo.body.id, name: null, email: 'bo@example.com', phone: '+33600000003' });
    const noContact = (await api.get('/orgs/c/inbox?filter=all&channel=API')).body;
    expect(noContact[0].contact).toBeNull();
    expect((await api.get(`/orgs/c/inbox?contact_id=${ada.body.id}`)).body.map((c: { id: string }) => c.id)).toEqual([second.body.id]);
    expect((await api.get('/orgs/c/inbox?filter=all&contact_id=cnt_unknown')).body).toEqual([]);
    // Another org's contact id finds nothing here.
    const other = await seedOrg(server);
    expect((await client(server, other.key).get(`/orgs/c/inbox?filter=all&contact_id=${ada.body.id}`)).body).toEqual([]);
  });

  it('tells where a conversation went on (state/info): the newest chat of the same contact and assistant', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Support' });
    const other = await api.post('/orgs/c/assistants', { name: 'Sales' });
    const contact = await api.post('/orgs/c/contacts', { name: 'Bo', channel: { type: 'CUSTOM', user_id: 'mail:bo@example.com' } });
    const open = (assistantId: string) =>
      api.post(`/orgs/c/contacts/${contact.body.id}/channels/${contact.body.channels[0].id}/chats`, { assistant_id: assistantId, message: say('hello') });
    const first = await open(bot.body.id);
    await api.patch(`/chats/${first.body.id}/state`, { state: 'CLOSED' });
    const withSales = await open(other.body.id);
    const second = await open(bot.body.id);
    const third = await open(bot.body.id);

    expect((await api.get(`/chats/${first.body.id}/state/info`)).body).toEqual({ newest_chat_id: third.body.id });
    expect((await api.get(`/chats/${second.body.id}/state/info`)).body).toEqual({ newest_chat_id: third.body.id });
    expect((await api.get(`/chats/${third.body.id}/state/info`)).body).toEqual({ newest_chat_id: null });
    expect((await api.get(`/chats/${withSales.body.id}/state/info`)).body).toEqual({ newest_chat_id: null });
    // A chat with nobody known on the other side has no "same conversation".
    const anonymous = await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hi' });
    expect((await api.get(`/chats/${anonymous.body.chat_id}/state/info`)).body).toEqual({ newest_chat_id: null });
    // Another org's chat answers like a missing one.
    const stranger = await seedOrg(server);
    expect((await client(server, stranger.key).get(`/chats/${first.body.id}/state/info`)).status).toBe(404);
  });

  it("sends an assistant's handovers to its own members only, and refuses members who cannot take them", async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const ana = await signedInMember(server, t, 'AGENT');
    const bea = await signedInMember(server, t, 'AGENT');
    const dev = await signedInMember(server, t, 'DEVELOPER');
    // Bea is busier than Ana: least-busy alone would pick Ana.
    const general = await api.post('/orgs/c/assistants', { name: 'General' });
    const busy = await api.post(`/api/agents/${general.body.id}/invoke`, { message: 'hi' });
    await api.patch(`/chats/${busy.body.chat_id}/state/assign`, { member_id: bea.memberId });

    const refused = await api.post('/orgs/c/assistants', { name: 'Billing', config: { conversation: { assignee_member_ids: [dev.memberId, 'mem_nobody'] } } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      `config.conversation.assignee_member_ids: ${dev.memberId}, mem_nobody are not members of this organization who work conversations (ADMIN, MANAGER or AGENT)`,
    );
    const billing = await api.post('/orgs/c/assistants', { name: 'Billing', config: { conversation: { assignee_member_ids: [bea.memberId] } } });
    expect(billing.status, billing.text).toBe(200);
    expect(billing.body.config.conversation.assignee_member_ids).toEqual([bea.memberId]);

    const asked = await api.post(`/api/agents/${billing.body.id}/invoke`, { message: 'I want to speak to a human' });
    expect(asked.body.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: bea.memberId, name: 'A AGENT' } });
    // Without a list, the least busy member of the org takes it.
    const elsewhere = await api.post(`/api/agents/${general.body.id}/invoke`, { message: 'I want to speak to a human' });
    expect(elsewhere.body.handover.assigned_member.id).toBe(ana.memberId);
    // Emptying the list goes back to everyone.
    const cleared = await api.patch(`/orgs/c/assistants/${billing.body.id}`, { config: { conversation: { assignee_member_ids: [] } } });
    expect(cleared.body.config.conversation.assignee_member_ids).toEqual([]);
  });

  it('hands the chat to a person when the built-in model has no answer and the assistant asks for it (invoke and stream)', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const plain = await api.post('/orgs/c/assistants', { name: 'Plain' });
    const routed = await api.post('/orgs/c/assistants', { name: 'Routed', config: { conversation: { handover_when_unanswered: true } } });
    const hours = await api.post('/orgs/c/knowledge/contents', { title: 'Hours', content: { type: 'TEXT', text: 'The shop opens at 9 am and closes at 6 pm from Monday to Saturday.' } });
    expect((await settled(server, t.key, hours.body.id)).status).toBe('PROCESSED');

    // Off by default: an honest "no information" with an offer, and the assistant keeps the chat.
    const unanswered = await api.post(`/api/agents/${plain.body.id}/invoke`, { message: 'Do you repair carbon frames?' });
    expect(unanswered.body.response).toMatch(/don't have that information\. Would you like/);
    expect(unanswered.body.handover).toBeUndefined();
    // It cites nothing: the passages it found did not answer.
    expect(unanswered.body.sources).toEqual([]);

    // On: the reply says a person will answer, and the chat is theirs.
    const handed = await api.post(`/api/agents/${routed.body.id}/invoke`, { message: 'Do you repair carbon frames?' });
    expect(handed.status, handed.text).toBe(200);
    expect(handed.body.response).toMatch(/^I'm sorry, I don't have that information\. I'm passing your question to a member of our team/);
    expect(handed.body.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: agent.memberId, name: 'A AGENT' } });
    expect(handed.body.usage.total_tokens).toBeGreaterThan(0);
    const chat = await api.get(`/chats/${handed.body.chat_id}`);
    expect(chat.body.state).toMatchObject({ ai_enabled: false, handover: 'ASSIGNED' });
    expect(texts((await api.get(`/chats/${handed.body.chat_id}/messages`)).body)).toEqual([
      'user: Do you repair carbon frames?',
      expect.stringMatching(/^assistant: I'm sorry, I don't have that information/),
      'event: Handed to a person: the assistant had no answer',
      `event: Assigned to A AGENT`,
    ]);

    // A question it can answer stays with the assistant.
    const answered = await api.post(`/api/agents/${routed.body.id}/invoke`, { message: 'When does the shop open?' });
    expect(answered.body.response).toMatch(/9 am/);
    expect(answered.body.handover).toBeUndefined();

    // The stream ends with the same handover in `done`, in the customer's language.
    const events = await readSse(
      await fetch(`${server.url}/api/agents/${routed.body.id}/invoke/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Est-ce que vous réparez les cadres en carbone ?', chat_id: answered.body.chat_id }),
      }),
    );
    expect(events.map((e: { type: string }) => e.type).filter((x: string) => x !== 'token')).toEqual(['metadata', 'done']);
    const done = events.at(-1).data;
    expect(done.response).toMatch(/^Je suis désolé, je n'ai pas cette information\. Je transmets votre question/);
    expect(done.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: agent.memberId, name: 'A AGENT' } });
    expect((await api.get(`/chats/${answered.body.chat_id}`)).body.state.ai_enabled).toBe(false);
  });

  it("streams one chat as its customer sees it: messages with their text, no notes or internal lines, resumable", async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const bot = await api.post('/orgs/c/assistants', { name: 'Support' });
    const first = await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hello' });
    const chatId = first.body.chat_id;
    const other = await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'another chat' });
    await server.deps.recorder.settle();
    await server.deps.events.flush(); // what came before the stream opens is not in it

    const live = await followSse(server, t.key, {}, '', `/chats/${chatId}/stream`);
    expect(live.res.status).toBe(200);
    expect(live.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'I want to talk to a person', chat_id: chatId });
    await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: say('Internal: check the order'), role: 'note' } });
    const reply = await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: say('Hi, I can help.') } });
    await call(server, 'PATCH', `/chats/${chatId}/messages/${reply.body.id}`, { headers: agent.headers, json: { message: say('Hi, I can help you.') } });
    await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'more noise', chat_id: other.body.chat_id });
    await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { state: 'CLOSED' } });

    // Frames carry each message and state as it is when sent (docs/live-streams.md), so under load the reply's
    // `message.created` may already show the edit and an earlier `chat.updated` may already say CLOSED. Wait for the
    // edit's own frame and a state frame after it (the close is the last event of this chat), then judge the view a
    // client builds by applying frames by id.
    type Msg = { id: string; role: string; author: string; parts: Array<{ text: string }>; member: unknown };
    const byMember = (x: { event: string; data: { data: Record<string, unknown> } }) => (x.data.data.message as Msg | undefined)?.author === 'member';
    const frames = await live.until((f) => {
      const edited = f.findIndex((x) => x.event === 'message.updated' && byMember(x));
      return edited >= 0 && f.slice(edited).some((x) => x.event === 'chat.updated' && (x.data.data.state as { state: string }).state === 'CLOSED');
    });
    await live.close();
    // A stream opened without a cursor starts where the event log's dispatch is: what was committed just before may
    // still come; everything after is there, in order.
    const view = new Map<string, Msg>();
    for (const f of frames) if (f.event.startsWith('message.')) view.set((f.data.data.message as Msg).id, f.data.data.message as Msg);
    const all = [...view.values()];
    const messages = all.slice(all.findIndex((m) => m.parts[0]!.text === 'I want to talk to a person'));
    expect(messages.map((m) => `${m.role}/${m.author}: ${m.parts[0]!.text}`)).toEqual([
      'user/customer: I want to talk to a person',
      expect.stringMatching(/^assistant\/assistant: I'm connecting you/),
      'assistant/member: Hi, I can help you.',
    ]);
    const replyFrames = frames.filter((f) => f.event.startsWith('message.') && byMember(f));
    expect(replyFrames.map((f) => f.event)).toEqual(['message.created', 'message.updated']);
    expect((replyFrames[0]!.data.data.message as Msg).parts[0]!.text).toMatch(/^Hi, I can help( you)?\.$/);
    expect(messages[2]!.member).toEqual({ id: agent.memberId, name: 'A AGENT' });
    expect(JSON.stringify(frames)).not.toContain(agent.email);
    expect(JSON.stringify(frames)).not.toContain('Internal: check the order');
    expect(JSON.stringify(frames)).not.toContain('more noise');
    const states = frames.filter((f) => f.event === 'chat.updated').map((f) => f.data.data.state as { handover: string | null; state: string });
    expect(states.some((s) => s.handover === 'ASSIGNED')).toBe(true);
    expect(states.at(-1)).toMatchObject({ state: 'CLOSED', assigned_member: { id: agent.memberId, name: 'A AGENT' } });
    for (const f of frames) expect(f.id).toBe(f.data.cursor);

    // Reconnecting with the last id it saw replays what came after, nothing before.
    const fromReply = frames.findIndex((f) => f.event === 'message.created' && (f.data.data.message as { author: string }).author === 'member');
    const resumed = await followSse(server, t.key, { 'last-event-id': frames[fromReply - 1]!.id }, '', `/chats/${chatId}/stream`);
    const again = await resumed.until((f) => f.length >= frames.length - fromReply);
    await new Promise((r) => setTimeout(r, 200));
    await resumed.close();
    expect(again.map((f) => f.id)).toEqual(frames.slice(fromReply).map((f) => f.id));

    // A bad cursor is a plain 400; another org's chat a 404.
    expect((await api.get(`/chats/${chatId}/stream?after=nonsense`)).status).toBe(400);
    const stranger = await seedOrg(server);
    expect((await client(server, stranger.key).get(`/chats/${chatId}/stream`)).status).toBe(404);
  });
});

/**
 * With every cache off, each lookup is a query. A handover once read its assistant's assignee list through the cache
 * inside its transaction: on the embedded database (one connection) a miss waited for the transaction, which waited
 * for it, and every request after it hung (it failed CI when the entry expired mid-request). The suite's embedded
 * databases fail such a query at once (`guardTransactions`), so this test fails instead of hanging if it comes back.
 */
describe('conversation routing with every cache off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('hands chats over (asked for, unanswered, taken over by a member) and assigns them by the assistant list', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const ana = await signedInMember(server, t, 'AGENT');
    const bea = await signedInMember(server, t, 'AGENT');
    const listed = await api.post('/orgs/c/assistants', { name: 'Billing', config: { conversation: { assignee_member_ids: [bea.memberId], handover_when_unanswered: true } } });
    const open = await api.post('/orgs/c/assistants', { name: 'General' });

    const asked = await api.post(`/api/agents/${listed.body.id}/invoke`, { message: 'I want to speak to a human' });
    expect(asked.status, asked.text).toBe(200);
    expect(asked.body.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: bea.memberId, name: 'A AGENT' } });
    const unanswered = await api.post(`/api/agents/${listed.body.id}/invoke`, { message: 'Do you repair carbon frames?' });
    expect(unanswered.status, unanswered.text).toBe(200);
    expect(unanswered.body.handover).toEqual({ state: 'ASSIGNED', assigned_member: { id: bea.memberId, name: 'A AGENT' } });

    const chat = await api.post(`/api/agents/${open.body.id}/invoke`, { message: 'hello' });
    const taken = await call(server, 'PATCH', `/chats/${chat.body.chat_id}/state`, { headers: ana.headers, json: { ai_enabled: false } });
    expect(taken.status, taken.text).toBe(200);
    expect(taken.body.state).toMatchObject({ ai_enabled: false, handover: 'ASSIGNED', assigned_member: { id: ana.memberId } });
    const replied = await call(server, 'POST', `/chats/${chat.body.chat_id}/messages`, { headers: bea.headers, json: { message: say('Hi, Bea here.') } });
    expect(replied.status, replied.text).toBe(200);
    const resolved = await call(server, 'PATCH', `/chats/${chat.body.chat_id}/state`, { headers: bea.headers, json: { state: 'CLOSED' } });
    expect(resolved.status, resolved.text).toBe(200);
    expect(texts((await api.get(`/chats/${chat.body.chat_id}/messages`)).body).slice(-4)).toEqual([
      'event: Taken over by A AGENT',
      'event: Assigned to A AGENT',
      'assistant: Hi, Bea here.',
      expect.stringMatching(/^event: /),
    ]);
  });
});
