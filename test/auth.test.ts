import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from '../src/db/schema.ts';
import { call, client, seedOrg, startServer, type TestServer } from './harness.ts';

const INVALID = { message: 'invalid or expired api key' };

describe('authentication and org reach', () => {
  let server: TestServer;
  beforeAll(async () => {
    // last_used_at is batched: an hour between writes here, so the test sees exactly when it is written.
    server = await startServer({}, { lastUsedFlushMs: 3_600_000 });
  });
  afterAll(async () => server?.close());

  it('refuses a request without a key', async () => {
    const res = await call(server, 'GET', '/orgs/c/assistants');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses malformed Authorization headers', async () => {
    for (const value of ['apk_abc', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer not-a-key', 'Bearer apk_']) {
      const res = await call(server, 'GET', '/orgs/c/assistants', { headers: { authorization: value } });
      expect(res.status, value).toBe(401);
      expect(res.body, value).toEqual(INVALID);
    }
  });

  it('refuses an unknown key of the right shape', async () => {
    const res = await client(server, `apk_${'A'.repeat(43)}`).get('/orgs/c/assistants');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses a revoked key at once', async () => {
    const t = await seedOrg(server);
    const extra = await client(server, t.key).post('/orgs/c/api-keys', { name: 'to revoke' });
    expect(extra.status).toBe(200);
    expect((await client(server, extra.body.key).get('/orgs/c/assistants')).status).toBe(200);
    const revoked = await client(server, t.key).del(`/orgs/c/api-keys/${extra.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const res = await client(server, extra.body.key).get('/orgs/c/assistants');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses an expired key', async () => {
    const t = await seedOrg(server);
    // Long enough for the key's first use to come before it on a busy machine; the wait below ends just after it.
    const expiry = Date.now() + 3000;
    const soon = new Date(expiry).toISOString();
    const created = await client(server, t.key).post('/orgs/c/api-keys', { name: 'short', expires_at: soon });
    expect(created.status).toBe(200);
    expect(created.body.expires_at).toBe(soon);
    expect((await client(server, created.body.key).get('/orgs/c')).status).toBe(200);
    await new Promise((r) => setTimeout(r, expiry + 100 - Date.now()));
    const res = await client(server, created.body.key).get('/orgs/c');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID);
  });

  it('refuses an expiry in the past', async () => {
    const t = await seedOrg(server);
    const res = await client(server, t.key).post('/orgs/c/api-keys', { expires_at: '2001-01-01T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^expires_at: /);
  });

  it('refuses a runtime-scoped key on admin endpoints with 403 naming the missing permission', async () => {
    const t = await seedOrg(server);
    const rt = await client(server, t.key).post('/orgs/c/api-keys', { name: 'rt', scope: 'runtime' });
    expect(rt.body.scope).toBe('runtime');
    const res = await client(server, rt.body.key).get('/orgs/c/assistants');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      'this endpoint needs the "assistants:read" permission; this api key does not have it: its scope is "runtime", which allows only the runtime API',
    );
  });

  it('resolves c to the key\'s own org', async () => {
    const t = await seedOrg(server, { name: 'Alias Org' });
    const res = await client(server, t.key).get('/orgs/c');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: t.orgId, name: 'Alias Org', parent_id: null });
    const byId = await client(server, t.key).get(`/orgs/${t.orgId}`);
    expect(byId.body.id).toBe(t.orgId);
  });

  it('lets a parent key reach a sub-org by id, never through c', async () => {
    const parent = await seedOrg(server);
    const sub = await client(server, parent.key).post('/orgs/c/orgs', { name: 'Child Co' });
    expect(sub.status).toBe(200);
    expect(sub.body.parent_id).toBe(parent.orgId);
    const created = await client(server, parent.key).post(`/orgs/${sub.body.id}/assistants`, { name: 'In child' });
    expect(created.status).toBe(200);
    expect(created.body.org_id).toBe(sub.body.id);
    const subList = await client(server, parent.key).get(`/orgs/${sub.body.id}/assistants`);
    expect(subList.body.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
    // c is the parent: the child's assistant is not there.
    const own = await client(server, parent.key).get('/orgs/c/assistants');
    expect(own.body).toEqual([]);
    // grandchildren are reachable too
    const grand = await client(server, parent.key).post(`/orgs/${sub.body.id}/orgs`, { name: 'Grandchild' });
    expect((await client(server, parent.key).get(`/orgs/${grand.body.id}/assistants`)).status).toBe(200);
  });

  it('keeps a sub-org key out of its parent and siblings (404 like a missing org)', async () => {
    const parent = await seedOrg(server);
    const a = await seedOrg(server, { parentId: parent.orgId });
    const b = await seedOrg(server, { parentId: parent.orgId });
    for (const target of [parent.orgId, b.orgId, 'org_doesnotexist000000000']) {
      const res = await client(server, a.key).get(`/orgs/${target}/assistants`);
      expect(res.status, target).toBe(404);
      expect(res.body).toEqual({ message: 'Organization not found' });
    }
    expect((await client(server, a.key).get('/orgs/c/assistants')).status).toBe(200);
  });

  it("answers another org's assistant id like a missing one", async () => {
    const one = await seedOrg(server);
    const two = await seedOrg(server);
    const ast = await client(server, one.key).post('/orgs/c/assistants', { name: 'Private' });
    for (const [method, path] of [
      ['GET', `/orgs/c/assistants/${ast.body.id}`],
      ['PATCH', `/orgs/c/assistants/${ast.body.id}`],
      ['DELETE', `/orgs/c/assistants/${ast.body.id}`],
    ] as const) {
      const res = await call(server, method, path, { key: two.key, ...(method === 'PATCH' && { json: { name: 'x' } }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body).toEqual({ message: 'Assistant not found' });
    }
    expect((await client(server, one.key).get(`/orgs/c/assistants/${ast.body.id}`)).body.name).toBe('Private');
  });

  it("cannot revoke another org's key", async () => {
    const one = await seedOrg(server);
    const two = await seedOrg(server);
    const res = await client(server, two.key).del(`/orgs/c/api-keys/${one.keyId}`);
    expect(res.status).toBe(404);
    expect((await client(server, one.key).get('/orgs/c')).status).toBe(200);
  });

  it('records last_used_at without a write per request', async () => {
    const t = await seedOrg(server);
    const before = Date.now();
    await client(server, t.key).get('/orgs/c');
    const list = await client(server, t.key).get('/orgs/c/api-keys');
    const me = list.body.find((k: { id: string }) => k.id === t.keyId);
    expect(Date.parse(me.last_used_at)).toBeGreaterThanOrEqual(before - 1);
    expect(JSON.stringify(list.body)).not.toContain(t.key);
    // Served from memory: the row itself is not written on each request...
    const stored = async () =>
      (await server.deps.database.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, t.keyId)))[0]!.at;
    expect(await stored()).toBeNull();
    // ...but in a batch, at the latest on shutdown.
    await server.deps.apiKeys.close();
    expect((await stored())?.toISOString()).toBe(me.last_used_at);
  });
});
