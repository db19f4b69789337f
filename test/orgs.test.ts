import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, seedOrg, startServer, type TestServer } from './harness.ts';

describe('sub-organizations', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('creates, lists, reads and updates sub-orgs with deep-merged config', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    const created = await api.post('/orgs/c/orgs', {
      name: 'Acme Dental',
      logo_url: 'https://example.com/logo.png',
      config: { email: 'ops@acme.test', modules: { enable_inbox: true } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^org_[A-Za-z0-9]{22}$/),
      name: 'Acme Dental',
      parent_id: t.orgId,
      logo_url: 'https://example.com/logo.png',
      config: { email: 'ops@acme.test', modules: { enable_inbox: true } },
    });
    const second = await api.post('/orgs/c/orgs', { name: 'Beta Co' });
    const list = await api.get('/orgs/c/orgs');
    expect(list.status).toBe(200);
    expect(list.headers.get('pagination-count')).toBe('2');
    expect(list.body.map((o: { id: string }) => o.id)).toEqual([second.body.id, created.body.id]);
    const got = await api.get(`/orgs/c/orgs/${created.body.id}`);
    expect(got.body).toEqual(created.body);
    const patched = await api.patch(`/orgs/c/orgs/${created.body.id}`, {
      name: 'Acme Dental Group',
      logo_url: null,
      config: { modules: { enable_analytics: false }, address: '1 Main St' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Acme Dental Group',
      logo_url: null,
      config: { email: 'ops@acme.test', address: '1 Main St', modules: { enable_inbox: true, enable_analytics: false } },
    });
  });

  it('validates names and urls', async () => {
    const t = await seedOrg(server);
    const api = client(server, t.key);
    for (const [body, field] of [
      [{ name: 'A' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'Fine', logo_url: 'ftp://example.com/x' }, 'logo_url'],
      [{ name: 'Fine', config: { email: 'not-an-email' } }, 'config.email'],
    ] as const) {
      const res = await api.post('/orgs/c/orgs', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message.startsWith(`${field}: `), res.body.message).toBe(true);
    }
  });

  it('only reaches direct children through /orgs/{org_id}/orgs/{id}', async () => {
    const parent = await seedOrg(server);
    const stranger = await seedOrg(server);
    const child = await client(server, parent.key).post('/orgs/c/orgs', { name: 'Child' });
    const grand = await client(server, parent.key).post(`/orgs/${child.body.id}/orgs`, { name: 'Grandchild' });
    expect((await client(server, parent.key).get(`/orgs/c/orgs/${grand.body.id}`)).status).toBe(404);
    expect((await client(server, parent.key).get(`/orgs/${child.body.id}/orgs/${grand.body.id}`)).status).toBe(200);
    const foreign = await client(server, stranger.key).get(`/orgs/c/orgs/${child.body.id}`);
    expect(foreign.status).toBe(404);
    expect((await client(server, stranger.key).patch(`/orgs/${parent.orgId}/orgs/${child.body.id}`, { name: 'Hijack' })).status).toBe(404);
    expect((await client(server, stranger.key).del(`/orgs/${parent.orgId}/orgs/${child.body.id}`)).status).toBe(404);
  });

  it('deletes a sub-org with everything it holds', async () => {
    const parent = await seedOrg(server);
    const api = client(server, parent.key);
    const child = await api.post('/orgs/c/orgs', { name: 'Going away' });
    const grand = await api.post(`/orgs/${child.body.id}/orgs`, { name: 'Also going' });
    const bot = await api.post(`/orgs/${child.body.id}/assistants`, { name: 'Child bot' });
    const grandBot = await api.post(`/orgs/${grand.body.id}/assistants`, { name: 'Grand bot' });
    for (const id of [bot.body.id, grandBot.body.id]) {
      expect((await api.post(`/api/agents/${id}/invoke`, { message: 'hello' })).status).toBe(200);
    }
    const childKey = await api.post(`/orgs/${child.body.id}/api-keys`, { name: 'child key' });
    expect((await client(server, childKey.body.key).get('/orgs/c')).status).toBe(200);
    // Chats, messages and usage carry no foreign key to the org: the delete must take them along itself.
    await server.deps.recorder.settle();
    const subtree = [child.body.id, grand.body.id];
    const left = async () => {
      const counts = await server.deps.database.db.execute(sql`
        select (select count(*) from chats where org_id in ${subtree})::int as chats,
               (select count(*) from messages where org_id in ${subtree})::int as messages,
               (select count(*) from usage_records where org_id in ${subtree})::int as usage`);
      return (counts as unknown as { rows: unknown[] }).rows[0];
    };
    expect(await left()).toEqual({ chats: 2, messages: 4, usage: 2 });
    const del = await api.del(`/orgs/c/orgs/${child.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: child.body.id, deleted: true });
    expect((await api.get(`/orgs/${child.body.id}/assistants`)).status).toBe(404);
    expect((await api.get(`/orgs/${grand.body.id}/assistants`)).status).toBe(404);
    expect((await client(server, childKey.body.key).get('/orgs/c')).status).toBe(401);
    expect((await api.get('/orgs/c/orgs')).body).toEqual([]);
    expect((await api.get('/orgs/c')).status).toBe(200);
    expect(await left()).toEqual({ chats: 0, messages: 0, usage: 0 });
  });

  it('a sub-org key manages its own keys but cannot delete itself through its parent path', async () => {
    const parent = await seedOrg(server);
    const sub = await seedOrg(server, { parentId: parent.orgId });
    const res = await client(server, sub.key).del(`/orgs/${parent.orgId}/orgs/${sub.orgId}`);
    expect(res.status).toBe(404);
    const keys = await client(server, sub.key).get('/orgs/c/api-keys');
    expect(keys.body.map((k: { id: string }) => k.id)).toEqual([sub.keyId]);
  });

  it("sets a sub-org's monthly budget only with its parent's key", async () => {
    const parent = await seedOrg(server);
    const sub = await seedOrg(server, { parentId: parent.orgId });
    const own = await client(server, sub.key).patch('/orgs/c', { monthly_token_budget: 1_000_000 });
    expect(own.status).toBe(400);
    expect(own.body.message).toMatch(/^monthly_token_budget: .*parent/);
    expect((await client(server, sub.key).patch('/orgs/c', { name: 'Renamed by itself' })).status).toBe(200);
    const byParent = await client(server, parent.key).patch(`/orgs/${sub.orgId}`, { monthly_token_budget: 500 });
    expect(byParent.status).toBe(200);
    expect(byParent.body).toMatchObject({ name: 'Renamed by itself', monthly_token_budget: 500 });
    const top = await client(server, parent.key).patch('/orgs/c', { monthly_token_budget: 10 });
    expect(top.body.monthly_token_budget).toBe(10);
  });
});
