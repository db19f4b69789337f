import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, client, seedOrg, signedInMember, startServer, type TestServer } from './harness.ts';

describe('audit log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('lists who changed what, newest first, with filters by actor, type family and time', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const second = (await api.post('/orgs/c/api-keys', { name: 'Deploy bot', scope: 'admin' })).body;
    const bot = client(server, second.key);
    const start = new Date().toISOString();
    const agent = (await api.post('/orgs/c/assistants', { name: 'Helper' })).body;
    await bot.patch(`/orgs/c/assistants/${agent.id}`, { name: 'Helper 2' });
    const reply = await bot.post(`/api/agents/${agent.id}/invoke`, { message: 'hello' });
    expect(reply.status).toBe(200);

    const all = await api.get('/orgs/c/audit-log');
    expect(all.status, all.text).toBe(200);
    // Messages are read in their chat, not in the audit log.
    expect(all.body.map((e: { type: string }) => e.type)).toEqual(['chat.created', 'assistant.updated', 'assistant.created', 'api_key.created', 'api_key.created', 'org.created']);
    expect(all.headers.get('pagination-count')).toBe('6');
    expect(all.body[1]).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'assistant.updated',
      actor: { type: 'api_key', id: second.id, name: 'Deploy bot' },
      subject: { type: 'assistant', id: agent.id },
      data: { assistant_id: agent.id, changed: ['name'] },
      created_at: expect.any(String),
    });
    expect(all.body[5].actor).toEqual({ type: 'system', id: null, name: null });

    const byBot = await api.get(`/orgs/c/audit-log?actor_id=${second.id}`);
    expect(byBot.body.map((e: { type: string }) => e.type)).toEqual(['chat.created', 'assistant.updated']);
    const assistants = await api.get('/orgs/c/audit-log?type=assistant.*');
    expect(assistants.body.map((e: { type: string }) => e.type)).toEqual(['assistant.updated', 'assistant.created']);
    const messages = await api.get('/orgs/c/audit-log?type=message.created');
    expect(messages.body.map((e: { data: { role: string } }) => e.data.role)).toEqual(['assistant', 'user']);
    const since = await api.get(`/orgs/c/audit-log?from=${encodeURIComponent(start)}&type=api_key.*`);
    expect(since.body).toEqual([]);
    const before = await api.get(`/orgs/c/audit-log?to=${encodeURIComponent(start)}`);
    expect(before.body.map((e: { type: string }) => e.type)).toEqual(['api_key.created', 'api_key.created', 'org.created']);
    const page2 = await api.get('/orgs/c/audit-log?take=4&page=2');
    expect(page2.body.map((e: { type: string }) => e.type)).toEqual(['api_key.created', 'org.created']);
  });

  it('shows a sub-organization its own log and its parent the sub-org\'s creation', async () => {
    const parent = await seedOrg(server);
    const sub = (await client(server, parent.key).post('/orgs/c/orgs', { name: 'Branch' })).body;
    await client(server, parent.key).post(`/orgs/${sub.id}/assistants`, { name: 'Branch bot' });
    const subLog = await client(server, parent.key).get(`/orgs/${sub.id}/audit-log`);
    expect(subLog.body.map((e: { type: string }) => e.type)).toEqual(['assistant.created']);
    const parentLog = await client(server, parent.key).get('/orgs/c/audit-log?type=org.*');
    expect(parentLog.body.map((e: { type: string; subject: { id: string } }) => [e.type, e.subject.id])).toEqual([
      ['org.created', sub.id],
      ['org.created', parent.orgId],
    ]);
    // Deleting the sub-org deletes its log and its own sub-orgs' logs; the parent's records the deletion.
    const deeper = (await client(server, parent.key).post(`/orgs/${sub.id}/orgs`, { name: 'Desk' })).body;
    await client(server, parent.key).post(`/orgs/${deeper.id}/assistants`, { name: 'Desk bot' });
    expect((await client(server, parent.key).del(`/orgs/c/orgs/${sub.id}`)).status).toBe(200);
    const left = await server.deps.database.db.execute(sql`select count(*)::int as n from events where org_id in (${sub.id}, ${deeper.id})`);
    expect((left as unknown as { rows: unknown[] }).rows).toEqual([{ n: 0 }]);
    const after = await client(server, parent.key).get('/orgs/c/audit-log?type=org.*');
    expect(after.body.map((e: { type: string }) => e.type)).toEqual(['org.deleted', 'org.created', 'org.created']);
  });

  it('names the member who made a change, and records members joining, changing and leaving', async () => {
    const t = await seedOrg(server);
    const manager = await signedInMember(server, t, 'MANAGER');
    const agent = await signedInMember(server, t, 'AGENT');
    const changed = await call(server, 'PATCH', `/orgs/c/members/${agent.memberId}`, { headers: manager.headers, json: { status: 'AWAY' } });
    expect(changed.status, changed.text).toBe(200);
    expect((await call(server, 'DELETE', `/orgs/c/members/${agent.memberId}`, { headers: manager.headers })).status).toBe(200);

    // A MANAGER reads the audit log; an AGENT may not.
    const log = await call(server, 'GET', '/orgs/c/audit-log?type=member.*', { headers: manager.headers });
    expect(log.status, log.text).toBe(200);
    expect(log.body.map((e: { type: string; actor: { type: string; id: string; name: string } }) => [e.type, e.actor])).toEqual([
      ['member.deleted', { type: 'member', id: manager.userId, name: 'A MANAGER' }],
      ['member.updated', { type: 'member', id: manager.userId, name: 'A MANAGER' }],
      // Joining is the new member's own doing.
      ['member.created', { type: 'member', id: agent.userId, name: 'A AGENT' }],
      ['member.created', { type: 'member', id: manager.userId, name: 'A MANAGER' }],
    ]);
    expect(log.body[1].data).toEqual({ member_id: agent.memberId, user_id: agent.userId, changed: ['status'] });
    const invites = await call(server, 'GET', '/orgs/c/audit-log?type=invite.*', { headers: manager.headers });
    expect(invites.body.map((e: { data: { role: string } }) => e.data.role)).toEqual(['AGENT', 'MANAGER']);
    const other = await signedInMember(server, t, 'AGENT');
    const refused = await call(server, 'GET', '/orgs/c/audit-log', { headers: other.headers });
    expect(refused.status).toBe(403);
  });

  it('leaves out reading a chat (unseen counts only) unless asked for by type, and says which state a chat went to', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const agent = (await api.post('/orgs/c/assistants', { name: 'Helper' })).body;
    const reply = await api.post(`/api/agents/${agent.id}/invoke`, { message: 'hello' });
    expect(reply.status, reply.text).toBe(200);
    const chatId = reply.body.chat_id;
    // Reading it twice over (the inbox marks a chat seen when it is opened), then resolving and reopening it.
    expect((await api.post(`/chats/${chatId}/state/seen`, {})).status).toBe(200);
    expect((await api.post(`/chats/${chatId}/state/unseen`, {})).status).toBe(200);
    expect((await api.post(`/chats/${chatId}/state/seen`, {})).status).toBe(200);
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'CLOSED' })).status).toBe(200);
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'OPEN' })).status).toBe(200);

    const log = await api.get('/orgs/c/audit-log?type=chat.*');
    const all = log.body.filter((e: { type: string }) => e.type === 'chat.updated').map((e: { data: unknown }) => e.data);
    expect(all).toEqual([
      { chat_id: chatId, changed: ['state'], state: 'OPEN' },
      { chat_id: chatId, changed: ['state'], state: 'CLOSED' },
      { chat_id: chatId, changed: ['admin_unseen_count'] },
      { chat_id: chatId, changed: ['admin_unseen_count'] },
      { chat_id: chatId, changed: ['admin_unseen_count'] },
    ]);
    // Without a type: the two state changes, not the three reads.
    const plain = await api.get('/orgs/c/audit-log');
    const updates = plain.body.filter((e: { type: string }) => e.type === 'chat.updated');
    expect(updates.map((e: { data: { state: string } }) => e.data.state)).toEqual(['OPEN', 'CLOSED']);
    expect(Number(plain.headers.get('pagination-count'))).toBe(plain.body.length);

    // Resolved, then the customer writes again: the chat reopens, and says so.
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'CLOSED' })).status).toBe(200);
    expect((await api.post(`/api/agents/${agent.id}/invoke`, { message: 'one more thing', chat_id: chatId })).status).toBe(200);
    const reopened = (await api.get('/orgs/c/audit-log?type=chat.updated&take=1')).body[0];
    expect(reopened.data).toEqual({ chat_id: chatId, changed: ['state'], state: 'OPEN' });
    // Resolved, then handed to a person (a member takes over): the handover reopens it too.
    expect((await api.patch(`/chats/${chatId}/state`, { state: 'CLOSED' })).status).toBe(200);
    expect((await api.patch(`/chats/${chatId}/state`, { ai_enabled: false })).status).toBe(200);
    const handedOver = (await api.get('/orgs/c/audit-log?type=chat.updated&take=1')).body[0];
    expect(handedOver.data).toMatchObject({ chat_id: chatId, state: 'OPEN' });
    expect(handedOver.data.changed).toEqual(expect.arrayContaining(['ai_enabled', 'handover', 'state']));
  });

  it('refuses a type that is not one, naming the field', async () => {
    const t = await seedOrg(server);
    const res = await client(server, t.key).get('/orgs/c/audit-log?type=DROP%20TABLE');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^type: /);
  });
});
