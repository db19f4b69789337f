import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';
import { followSse } from './live-client.ts';
import { readSse } from './sse-client.ts';

const SITE = 'http://shop.example.test';
const say = (text: string) => [{ type: 'text', text }];

/** The web widget's visitor API, called as a page on another origin would (Origin header, visitor token). */
describe('web widget API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  async function setup(widget: Record<string, unknown> = {}, more: Record<string, unknown> = {}) {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', {
      name: 'Shop helper',
      ...more,
      config: { conversation: { welcome_banner: 'Hi! Ask us anything.', suggested_messages: ['Opening hours?'] }, widget: { enabled: true, allowed_origins: [SITE], ...widget } },
    });
    expect(bot.status, bot.text).toBe(200);
    return { t, api, bot: bot.body };
  }

  const as = (origin: string | undefined, token?: string) => ({ ...(origin && { origin }), ...(token && { authorization: `Bearer ${token}` }) });
  const session = (json: object, origin: string | null = SITE) => call(server, 'POST', '/widget/v1/sessions', { headers: as(origin ?? undefined), json });
  const visitor = (token: string, origin: string | undefined = SITE) => ({
    get: (path: string) => call(server, 'GET', path, { headers: as(origin, token) }),
    post: (path: string, json?: object) => call(server, 'POST', path, { headers: as(origin, token), json }),
    send: async (json: object) => {
      const res = await fetch(`${server.url}/widget/v1/messages`, { method: 'POST', headers: { ...as(origin, token), 'content-type': 'application/json' }, body: JSON.stringify(json) });
      return { res, events: res.status === 200 ? await readSse(res) : [], body: res.status === 200 ? undefined : await res.json() };
    },
  });

  it('gives an allowed page a visitor session, answers its messages as a stream, and lists only its own chats', async () => {
    const { api, bot } = await setup();
    const s = await session({ assistant_id: bot.id });
    expect(s.status, s.text).toBe(200);
    expect(s.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(s.body).toMatchObject({ visitor_id: expect.stringMatching(/^vis_/), user_id: null, assistant: { id: bot.id, name: 'Shop helper', welcome_banner: 'Hi! Ask us anything.', suggested_messages: ['Opening hours?'], position: 'bottom-right' } });
    expect(s.body.visitor_token).toMatch(/^pwv_/);
    const me = visitor(s.body.visitor_token);
    expect((await me.get('/widget/v1/chats')).body).toEqual([]);

    const first = await me.send({ message: 'hello' });
    expect(first.res.status).toBe(200);
    expect(first.events[0]).toMatchObject({ type: 'metadata', data: { agent_id: bot.id } });
    const done = first.events.at(-1);
    expect(done.type).toBe('done');
    const chatId = done.data.chat_id;

    // At once, as the widget asks for it: the reply's group commit may not have landed yet.
    const chats = await me.get('/widget/v1/chats');
    expect(chats.body.map((c: { id: string }) => c.id)).toEqual([chatId]);
    expect(chats.body[0].state).toMatchObject({ state: 'OPEN', ai_enabled: true });
    expect(chats.body[0].last_message).toMatchObject({ role: 'assistant', author: 'assistant' });
    const messages = await me.get(`/widget/v1/chats/${chatId}/messages`);
    expect(messages.body.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);

    // The team sees a WEB chat with a contact behind it.
    const chat = await api.get(`/chats/${chatId}`);
    expect(chat.body.channel.type).toBe('WEB');
    expect(chat.body.contact_id).toMatch(/^cnt_/);
    const contact = await api.get(`/orgs/c/contacts/${chat.body.contact_id}`);
    expect(contact.body.channels[0]).toMatchObject({ type: 'WEB', user_id: `visitor:${s.body.visitor_id}` });

    // Another visitor of the same site sees none of it.
    const other = visitor((await session({ assistant_id: bot.id })).body.visitor_token);
    expect((await other.get('/widget/v1/chats')).body).toEqual([]);
    expect((await other.get(`/widget/v1/chats/${chatId}/messages`)).status).toBe(404);
    const intrude = await other.send({ chat_id: chatId, message: 'let me in' });
    expect(intrude.res.status).toBe(404);
    // Their own first chat is in their list as soon as its reply has streamed (a quick reply is written by the
    // recorder's group commit a moment later; the list waits for it).
    const own = (await other.send({ message: 'Is parking free?' })).events.at(-1).data.chat_id;
    expect((await other.get('/widget/v1/chats')).body.map((c: { id: string }) => c.id)).toEqual([own]);

    // The same browser comes back with its token: same visitor, same chats, a renewed token.
    const again = await session({ assistant_id: bot.id, visitor_token: s.body.visitor_token });
    expect(again.body.visitor_id).toBe(s.body.visitor_id);
    expect((await visitor(again.body.visitor_token).get('/widget/v1/chats')).body.map((c: { id: string }) => c.id)).toEqual([chatId]);
  });

  it('refuses pages that are not allowed, widgets that are off, and forged tokens', async () => {
    const { api, bot } = await setup();
    const refused = await session({ assistant_id: bot.id }, 'https://evil.example.test');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/not allowed to use this assistant's widget/);
    const noOrigin = await session({ assistant_id: bot.id }, null);
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.message).toMatch(/Origin/);

    const s = await session({ assistant_id: bot.id });
    // A token used from another page is refused too.
    expect((await visitor(s.body.visitor_token, 'https://evil.example.test').get('/widget/v1/chats')).status).toBe(403);
    // Parley's own pages (the demo, the dashboard's preview): a browser sends no Origin on a same-origin GET, only
    // Sec-Fetch-Site, which pages cannot set. Without either, or from another site, it is refused.
    const get = (headers: Record<string, string>) => call(server, 'GET', '/widget/v1/chats', { headers: { authorization: `Bearer ${s.body.visitor_token}`, ...headers } });
    expect((await get({ 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await get({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get({})).status).toBe(403);
    // Forged or foreign tokens are a 401; so are API keys.
    const forged = s.body.visitor_token.slice(0, -4) + 'AAAA';
    expect((await visitor(forged).get('/widget/v1/chats')).status).toBe(401);
    expect((await call(server, 'GET', '/widget/v1/chats', { headers: as(SITE, (await seedOrg(server)).key) })).status).toBe(401);

    // Preflights pass (the routes check the origin themselves).
    const pre = await fetch(`${server.url}/widget/v1/messages`, { method: 'OPTIONS', headers: { origin: SITE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/authorization/);

    // Turning the widget off stops sessions and tokens at once.
    await api.patch(`/orgs/c/assistants/${bot.id}`, { config: { widget: { enabled: false } } });
    expect((await session({ assistant_id: bot.id })).status).toBe(404);
    expect((await visitor(s.body.visitor_token).get('/widget/v1/chats')).status).toBe(401);
    // "*" lets any page (and clients without an Origin) in.
    await api.patch(`/orgs/c/assistants/${bot.id}`, { config: { widget: { enabled: true, allowed_origins: ['*'] } } });
    expect((await session({ assistant_id: bot.id }, null)).status).toBe(200);
    const badOrigin = await api.patch(`/orgs/c/assistants/${bot.id}`, { config: { widget: { allowed_origins: ['https://shop.example.test/path'] } } });
    expect(badOrigin.status).toBe(400);
  });

  it('verifies identity with the HMAC of the user id, and a visitor who signs in keeps their chats', async () => {
    const { api, bot } = await setup({ require_identity: false }, { generate_secret_key: true });
    const hash = (id: string) => createHmac('sha256', bot.secret_key).update(id).digest('hex');
    const wrong = await session({ assistant_id: bot.id, user_id: 'u-42', user_hash: hash('u-43') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toMatch(/user_hash does not match user_id/);
    expect((await session({ assistant_id: bot.id, user_id: 'u-42' })).status).toBe(403);

    // Anonymous first, then signs in: the chat follows them.
    const anon = await session({ assistant_id: bot.id });
    const sent = await visitor(anon.body.visitor_token).send({ message: 'my order is late' });
    const chatId = sent.events.at(-1).data.chat_id;
    await server.deps.recorder.settle();
    const known = await session({ assistant_id: bot.id, visitor_token: anon.body.visitor_token, user_id: 'u-42', user_hash: hash('u-42'), user_name: 'Ada', user_email: 'ada@example.com' });
    expect(known.status, known.text).toBe(200);
    expect(known.body).toMatchObject({ visitor_id: anon.body.visitor_id, user_id: 'u-42' });
    expect((await visitor(known.body.visitor_token).get('/widget/v1/chats')).body.map((c: { id: string }) => c.id)).toEqual([chatId]);
    const contact = (await api.get(`/orgs/c/contacts/${(await api.get(`/chats/${chatId}`)).body.contact_id}`)).body;
    expect(contact.name).toBe('Ada');
    expect(contact.channels.map((c: { user_id: string }) => c.user_id).sort()).toEqual(['u-42', `visitor:${anon.body.visitor_id}`].sort());

    // The same user on another device sees the same chats; someone else signing in on this browser does not.
    const otherDevice = await session({ assistant_id: bot.id, user_id: 'u-42', user_hash: hash('u-42') });
    expect((await visitor(otherDevice.body.visitor_token).get('/widget/v1/chats')).body.map((c: { id: string }) => c.id)).toEqual([chatId]);
    const someoneElse = await session({ assistant_id: bot.id, visitor_token: known.body.visitor_token, user_id: 'u-7', user_hash: hash('u-7') });
    expect(someoneElse.body.visitor_id).not.toBe(anon.body.visitor_id);
    expect((await visitor(someoneElse.body.visitor_token).get('/widget/v1/chats')).body).toEqual([]);

    // With require_identity, anonymous visitors are refused.
    await api.patch(`/orgs/c/assistants/${bot.id}`, { config: { widget: { require_identity: true } } });
    const anonymous = await session({ assistant_id: bot.id });
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.message).toMatch(/verified users/);

    // Rotating the secret key ends verified sessions (the site signs its users again with the new key).
    expect((await visitor(otherDevice.body.visitor_token).get('/widget/v1/chats')).status).toBe(200);
    const rotated = await api.patch(`/orgs/c/assistants/${bot.id}`, { generate_secret_key: true });
    expect(rotated.body.secret_key).not.toBe(bot.secret_key);
    const stale = await visitor(otherDevice.body.visitor_token).get('/widget/v1/chats');
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/visitor token/);
    const resigned = await session({ assistant_id: bot.id, user_id: 'u-42', user_hash: createHmac('sha256', rotated.body.secret_key).update('u-42').digest('hex') });
    expect((await visitor(resigned.body.visitor_token).get('/widget/v1/chats')).body.map((c: { id: string }) => c.id)).toEqual([chatId]);
  });

  it('refuses require_identity without a secret key to check hashes with', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bad = await api.post('/orgs/c/assistants', { name: 'Strict', config: { widget: { enabled: true, require_identity: true } } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/require_identity needs a secret key.*generate_secret_key/);
    const plain = await api.post('/orgs/c/assistants', { name: 'Plain', config: { widget: { enabled: true } } });
    expect((await api.patch(`/orgs/c/assistants/${plain.body.id}`, { config: { widget: { require_identity: true } } })).status).toBe(400);
    const fixed = await api.patch(`/orgs/c/assistants/${plain.body.id}`, { generate_secret_key: true, config: { widget: { require_identity: true } } });
    expect(fixed.status, fixed.text).toBe(200);
    expect(fixed.body.config.widget.require_identity).toBe(true);
  });

  it('shows the team live, hands over, and lets the visitor rate the resolved chat', async () => {
    const { t, api, bot } = await setup();
    await api.patch(`/orgs/c/assistants/${bot.id}`, { config: { conversation: { enable_auto_csat: true } } });
    const agent = await signedInMember(server, t, 'AGENT');
    const s = await session({ assistant_id: bot.id });
    const me = visitor(s.body.visitor_token);
    const first = await me.send({ message: 'I want to talk to a person' });
    const done = first.events.at(-1);
    expect(done.data.handover).toMatchObject({ state: 'ASSIGNED', assigned_member: { name: 'A AGENT' } });
    const chatId = done.data.chat_id;
    await server.deps.recorder.settle();
    await server.deps.events.flush();

    const live = await followSse(server, s.body.visitor_token, { origin: SITE }, '', `/widget/v1/chats/${chatId}/stream`);
    expect(live.res.status).toBe(200);
    await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: say('Hi, Ana here.') } });
    await call(server, 'POST', `/chats/${chatId}/messages`, { headers: agent.headers, json: { message: say('VIP customer'), role: 'note' } });
    expect((await me.post(`/widget/v1/chats/${chatId}/rating`, { score: 5 })).status).toBe(409);
    await call(server, 'PATCH', `/chats/${chatId}/state`, { headers: agent.headers, json: { state: 'CLOSED' } });
    // A state frame carries the chat's state when it is sent, so an earlier update may already read CLOSED: wait for the
    // rating request and a state frame after it (it is written in the resolve's transaction, before its chat.updated).
    const frames = await live.until((f) => {
      const asked = f.findIndex((x) => x.event === 'message.created' && (x.data.data.message as { kind: string | null }).kind === 'csat_request');
      return asked >= 0 && f.slice(asked).some((x) => x.event === 'chat.updated' && (x.data.data.state as { state: string }).state === 'CLOSED');
    });
    await live.close();
    const all = frames.filter((f) => f.event === 'message.created').map((f) => f.data.data.message as { kind: string | null; author: string; parts: Array<{ text: string }> });
    // A stream opened without a cursor starts where the event log's dispatch is: messages committed just before may
    // still come (a client dedupes by id); what the test posted after opening it must all be there, in order.
    const created = all.slice(all.findIndex((m) => m.parts[0]!.text === 'Hi, Ana here.'));
    expect(created.map((m) => m.parts[0]!.text)).toEqual(['Hi, Ana here.', expect.stringMatching(/rate/i)]);
    // The rating request: the widget shows stars for it.
    expect(created[1]).toMatchObject({ kind: 'csat_request', author: 'system' });
    expect(JSON.stringify(frames)).not.toContain('VIP customer');

    const unseen = (await me.get('/widget/v1/chats')).body[0].state.user_unseen_count;
    expect(unseen).toBe(2);
    expect((await me.post(`/widget/v1/chats/${chatId}/seen`)).body.user_unseen_count).toBe(0);
    const rated = await me.post(`/widget/v1/chats/${chatId}/rating`, { score: 4 });
    expect(rated.status, rated.text).toBe(200);
    expect(rated.body).toMatchObject({ state: 'CLOSED', csat_score: 4 });
    expect((await client(server, t.key).get(`/chats/${chatId}`)).body.state.csat_score).toBe(4);
  });
  it('carries typing both ways: the team to the visitor, the visitor to the inbox; never recorded', async () => {
    const { t, bot } = await setup();
    const agent = await signedInMember(server, t, 'AGENT');
    const s = await session({ assistant_id: bot.id });
    const me = visitor(s.body.visitor_token);
    const chatId = (await me.send({ message: 'Hello there' })).events.at(-1).data.chat_id;
    await server.deps.recorder.settle();
    await server.deps.events.flush();

    const widgetLive = await followSse(server, s.body.visitor_token, { origin: SITE }, '', `/widget/v1/chats/${chatId}/stream`);
    const inbox = await followSse(server, t.key);
    const typed = await call(server, 'POST', `/chats/${chatId}/typing`, { headers: agent.headers, json: { typing: true } });
    expect(typed.status, typed.text).toBe(200);
    expect(typed.body).toMatchObject({ chat_id: chatId, typing: true, by: 'member', member: { id: agent.memberId, name: 'A AGENT' } });
    const seen = await widgetLive.until((f) => f.some((x) => x.event === 'typing'));
    const frame = seen.find((x) => x.event === 'typing')!;
    // No id line: typing is not in the log, so a reconnecting client's Last-Event-ID stays where it was.
    expect(frame.id).toBe('');
    expect(frame.data).toEqual({ type: 'typing', data: { chat_id: chatId, typing: true, by: 'member', member: { id: agent.memberId, name: 'A AGENT' }, expires_in_seconds: 6 } });

    const mine = await me.post(`/widget/v1/chats/${chatId}/typing`, { typing: true });
    expect(mine.status, mine.text).toBe(200);
    const inboxFrames = await inbox.until((f) => f.some((x) => x.event === 'typing' && x.data.data.by === 'customer'));
    expect(inboxFrames.find((x) => x.event === 'typing' && x.data.data.by === 'customer')!.data.data).toMatchObject({ chat_id: chatId, typing: true, member: null });
    // The team sees the team typing too (two agents on one chat); the visitor never gets their own signal back.
    expect(inboxFrames.some((x) => x.event === 'typing' && x.data.data.by === 'member')).toBe(true);
    await call(server, 'POST', `/chats/${chatId}/typing`, { headers: agent.headers, json: { typing: false } });
    await widgetLive.until((f) => f.some((x) => x.event === 'typing' && x.data.data.typing === false));
    expect(widgetLive.frames.filter((x) => x.event === 'typing').every((x) => x.data.data.by === 'member')).toBe(true);
    await Promise.all([widgetLive.close(), inbox.close()]);

    // Another visitor cannot signal in this chat; nothing reached the event log.
    const other = visitor((await session({ assistant_id: bot.id })).body.visitor_token);
    expect((await other.post(`/widget/v1/chats/${chatId}/typing`, { typing: true })).status).toBe(404);
    const logged = await call(server, 'GET', '/orgs/c/audit-log?take=100', { key: t.key });
    expect(JSON.stringify(logged.body)).not.toContain('typing');
  });
});
