import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, client, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';
import { followSse, type Frame } from './live-client.ts';

describe('the live inbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ PARLEY_EVENTS_POLL_MS: '50' });
  });
  afterAll(async () => server?.close());

  it('streams chat and message events as Server-Sent Events, and resumes after Last-Event-ID with nothing missed or repeated', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const bot = await api.post('/orgs/c/assistants', { name: 'Live' });
    const live = await followSse(server, t.key);
    expect(live.res.status).toBe(200);
    expect(live.res.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const chatId = (await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hello' })).body.chat_id;
    const frames = await live.until((f) => f.filter((x) => x.event === 'message.created').length >= 2);
    expect(frames.map((f) => f.event)).toEqual(['chat.created', 'message.created', 'message.created']);
    expect(frames[0]!.data).toMatchObject({ type: 'chat.created', data: { chat_id: chatId, assistant_id: bot.body.id } });
    expect(frames.every((f) => f.id === f.data.cursor && f.data.id.startsWith('evt_'))).toBe(true);
    expect(frames.some((f) => f.event.startsWith('assistant.'))).toBe(false); // not an inbox event
    expect(live.comments[0]).toBe(': connected');
    const lastSeen = frames.at(-1)!.id;
    await live.close();

    // While nobody listens: resolved (chat.updated and an event line in the thread).
    await api.patch(`/chats/${chatId}/state`, { state: 'CLOSED' });
    const again = await followSse(server, t.key, { 'last-event-id': lastSeen });
    const missed = await again.until((f) => f.some((x) => x.event === 'chat.updated'));
    expect(missed.map((f) => f.event).sort()).toEqual(['chat.updated', 'message.created']);
    expect(missed.find((f) => f.event === 'chat.updated')!.data.data).toMatchObject({ chat_id: chatId, changed: ['state'] });
    // ... then live, on the same connection.
    await api.patch(`/chats/${chatId}/state`, { state: 'OPEN' });
    await again.until((f) => f.filter((x) => x.event === 'chat.updated').length === 2);
    const ids = again.frames.map((f) => f.data.id);
    expect(new Set(ids).size).toBe(ids.length);
    await again.close();

    const viaQuery = await followSse(server, t.key, {}, `?after=${encodeURIComponent(lastSeen)}`);
    await viaQuery.until((f) => f.filter((x) => x.event === 'chat.updated').length === 2);
    await viaQuery.close();

    const bad = await call(server, 'GET', '/orgs/c/inbox/stream', { key: t.key, headers: { 'last-event-id': 'not-a-cursor' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/not a cursor/);
  });

  it('sends the same events over a WebSocket, to a key or a signed-in member, and to a plain request as Server-Sent Events', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = await signedInMember(server, t, 'AGENT');
    const bot = await api.post('/orgs/c/assistants', { name: 'Live' });
    const wsUrl = `${server.url.replace('http', 'ws')}/orgs/c/inbox/ws`;
    const open = (headers: Record<string, string>) =>
      new Promise<{ socket: WebSocket; frames: Frame['data'][] }>((resolve, reject) => {
        const socket = new WebSocket(wsUrl, { headers });
        const frames: Frame['data'][] = [];
        socket.on('message', (m) => frames.push(JSON.parse(String(m))));
        socket.on('open', () => resolve({ socket, frames }));
        socket.on('error', reject);
      });
    const byKey = await open({ authorization: `Bearer ${t.key}` });
    const byMember = await open({ cookie: agent.cookie });
    // Both subscriptions are live once the first event reaches them.
    const chatId = (await api.post(`/api/agents/${bot.body.id}/invoke`, { message: 'hi' })).body.chat_id;
    await api.patch(`/chats/${chatId}/state/assign`, { member_id: agent.memberId });
    for (const c of [byKey, byMember]) {
      const deadline = Date.now() + 10_000;
      while (!c.frames.some((f) => f.type === 'chat.updated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(c.frames.map((f) => f.type)).toEqual(['chat.created', 'message.created', 'message.created', 'message.created', 'chat.updated']);
      expect(c.frames.at(-1)!.data).toMatchObject({ chat_id: chatId, changed: ['assigned_member'] });
      c.socket.close();
    }

    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(wsUrl);
      socket.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.on('open', () => resolve('open'));
      socket.on('error', (err) => resolve(err.message));
    });
    expect(refused).toBe('401');
    // Without the upgrade, the same endpoint answers the events as Server-Sent Events.
    const plain = await call(server, 'GET', '/orgs/c/inbox/ws', { key: t.key });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(plain.text).toContain(': connected');

    // An upgrade to a route that is not a WebSocket gets that route's HTTP reply, and its socket is closed.
    const notWs = await new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/orgs/c`, { headers: { authorization: `Bearer ${t.key}` } });
      socket.on('unexpected-response', (_req, res) => {
        res.resume();
        res.socket.once('close', () => resolve({ status: res.statusCode!, closed: true }));
      });
      socket.on('open', () => reject(new Error('upgraded')));
    });
    expect(notWs).toEqual({ status: 200, closed: true });
  });
});
